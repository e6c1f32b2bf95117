// Progress for bulk work, drawn on stderr only when it is a terminal: piped output stays clean.

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** Records the running count; `total` draws a bar, otherwise a counter with a rate. */
  update(done: number, total?: number): void;
  /** Erases the line. */
  finish(): void;
}

const FRAMES = ['|', '/', '-', '\\'];
const REDRAW_INTERVAL_IN_MS = 100;

export function createProgress(stream: ProgressStream, label: string, unit = 'instances'): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const startedAt = Date.now();
  let done = 0;
  let total: number | undefined;
  let frame = 0;
  let drawn = false;

  const draw = () => {
    const seconds = (Date.now() - startedAt) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    let line: string;
    if (total !== undefined && total > 0) {
      const width = 30;
      const filled = Math.min(width, Math.round((done / total) * width));
      const percent = Math.min(100, Math.floor((done / total) * 100));
      line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}% ${done}/${total} ${unit}`;
    } else {
      line = `${label} ${FRAMES[frame++ % FRAMES.length]} ${done} ${unit} (${rate}/s, ${seconds.toFixed(1)} s)`;
    }
    const max = (stream.columns ?? 80) - 1;
    stream.write(`\r\x1b[K${line.slice(0, max)}`);
    drawn = true;
  };
  // Keeps the spinner moving while a single long call (HTTP purge, hub delete) reports nothing.
  const timer = setInterval(draw, REDRAW_INTERVAL_IN_MS);
  timer.unref();
  draw();

  return {
    update(count, newTotal) {
      done = count;
      if (newTotal !== undefined) total = newTotal;
    },
    finish() {
      clearInterval(timer);
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
