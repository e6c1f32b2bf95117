// The taskhub server as bench/api-vs-raw.ts runs it: the real composition root (startServer, with
// the production logger, metrics and instrumented stores) in a process of its own, so its CPU is
// the server's alone. Plain JavaScript over the compiled server (dist/), as `npm start` runs it:
// under tsx it ran tsx's own transpilation of src/ with the loader in the process, which is not
// the code production runs.
// Configured through the environment like `npm start`; answers over IPC:
//   -> { url }                          once listening
//   <- 'cpu'           -> { cpu, system } CPU microseconds of this process so far (user + system, system)
//   <- 'profile-start' -> { ok }        starts the V8 CPU profiler
//   <- { profileTo }   -> { ok }        stops it and writes the .cpuprofile file
//   <- 'stop'                           closes and exits
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../dist/config.js';
import { startServer } from '../dist/server.js';

const send = (message) => process.send?.(message);
const server = await startServer(loadConfig(process.env));
const profiler = new Session();

async function answer(message) {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ cpu: user + system, system });
  } else if (message === 'profile-start') {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    send({ ok: true });
  } else if (typeof message === 'object' && message !== null && 'profileTo' in message) {
    const { profile } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    await writeFile(String(message.profileTo), JSON.stringify(profile));
    send({ ok: true });
  } else if (message === 'stop') {
    await server.close();
    process.exit(0);
  }
}

process.on('message', (message) => void answer(message));
send({ url: server.url });
