// The server's logger: JSON lines on stdout, written in batches rather than one system call per
// line. At info level every request logs a line (plugins/logging.ts), and writing each at once was about a
// tenth of the CPU a GET status costs (`npm run bench:api -- --profile`). Lines now reach stdout
// when 4 KB have gathered or within FLUSH_INTERVAL_IN_MS, whichever is first; pino writes what is
// pending when the process exits (also after an uncaught error), so only a SIGKILL can lose lines,
// and at most that interval's worth.

import pino, { type Logger } from 'pino';
import { logSerializers } from './plugins/logging.js';

export const FLUSH_INTERVAL_IN_MS = 200;
const BATCH_BYTES = 4096;

export interface ServerLogger {
  logger: Logger;
  /** Writes what is pending and stops the periodic flush (the process may live on, as in tests). */
  stop(): void;
}

export function createServerLogger(level: string): ServerLogger {
  const destination = pino.destination({ dest: 1, minLength: BATCH_BYTES, sync: false });
  // Only when something was logged since the last flush: an idle server makes no writes.
  let pending = false;
  const flush = () => {
    if (!pending) return;
    pending = false;
    destination.flush();
  };
  const timer = setInterval(flush, FLUSH_INTERVAL_IN_MS).unref();
  const logger = pino(
    {
      level,
      serializers: { err: logSerializers.err },
      hooks: {
        streamWrite: (line) => {
          pending = true;
          return line;
        },
      },
    },
    destination,
  );
  return {
    logger,
    stop: () => {
      clearInterval(timer);
      flush();
    },
  };
}
