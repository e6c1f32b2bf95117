// Preloaded into the embedded Azurite (`node --require`): the emulator must not outlive the server
// that started it, even when the server is killed with SIGKILL and cannot stop it. The server holds
// the write end of this process's stdin; the kernel closes it when the server dies, however it dies.
// Re-parenting (or the parent vanishing) is watched too, in case stdin was redirected.
'use strict';

const parent = process.ppid;
let stopping = false;

function stop() {
  if (stopping) return;
  stopping = true;
  // SIGTERM runs Azurite's own shutdown, which saves its tables to disk; exit hard if that hangs.
  setTimeout(() => process.exit(0), 5000).unref();
  process.kill(process.pid, 'SIGTERM');
}

function parentAlive() {
  if (process.ppid !== parent) return false;
  try {
    process.kill(parent, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
setInterval(() => {
  if (!parentAlive()) stop();
}, 1000).unref();
