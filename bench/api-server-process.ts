// The taskhub server as bench/api-vs-raw.ts runs it: the real composition root (startServer, with
// the production logger, metrics and instrumented stores) in a process of its own, so its CPU is
// the server's alone. Configured through the environment like `npm start`; answers over IPC:
//   -> { url }                     once listening
//   <- 'cpu'  -> { cpu: micros }   user + system CPU of this process so far
//   <- 'stop' -> closes and exits  (a --cpu-prof profile is written on exit)
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';

const send = (message: unknown) => process.send?.(message);
const server = await startServer(loadConfig(process.env));
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ cpu: user + system });
  } else if (message === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
send({ url: server.url });
