// One server per data folder: two embedded emulators saving the same table files would overwrite
// each other's writes. The lock is a file holding the owner's pid (and its emulator's); a lock
// whose server is gone is stale and taken over once that server's emulator has exited too.

import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFolderError } from './data-folder.js';

const LOCK_FILE = 'taskhub.lock';
/** How long a dead server's emulator gets to save and exit (its watchdog allows itself 5 s). */
const EMULATOR_EXIT_WAIT_IN_MS = 10_000;

interface LockContent {
  pid: number;
  emulatorPid?: number;
}

export interface DataFolderLock {
  /** Records the emulator's pid so a successor can wait for it after a hard crash. */
  setEmulatorPid(pid: number): Promise<void>;
  release(): Promise<void>;
}

/** Folders this process holds (a pid of our own in a lock file may be a restarted container's pid 1). */
const held = new Set<string>();

function isRunning(pid: number | undefined): boolean {
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

async function readLock(file: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? (parsed as LockContent) : { pid: 0 };
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    return { pid: 0 };
  }
}

async function waitForExit(pid: number | undefined): Promise<void> {
  const deadline = Date.now() + EMULATOR_EXIT_WAIT_IN_MS;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

async function write(file: string, content: LockContent, exclusive: boolean): Promise<void> {
  const handle = await open(file, exclusive ? 'wx' : 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(content));
  } finally {
    await handle.close();
  }
}

export async function lockDataFolder(folder: string): Promise<DataFolderLock> {
  const file = join(folder, LOCK_FILE);
  const content: LockContent = { pid: process.pid };
  for (let attempt = 0; ; attempt++) {
    try {
      await write(file, content, true);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const holder = await readLock(file);
    if (holder && (isRunning(holder.pid) || (holder.pid === process.pid && held.has(file)))) {
      throw new DataFolderError(
        `data folder ${folder} is in use by another taskhub server (pid ${holder.pid}); stop it or choose another TASKHUB_DATA_DIR.`,
      );
    }
    // Stale: its server died without cleaning up. Let its emulator finish saving first.
    await waitForExit(holder?.emulatorPid);
    await rm(file, { force: true });
  }
  held.add(file);
  return {
    async setEmulatorPid(pid) {
      content.emulatorPid = pid;
      await write(file, content, false);
    },
    async release() {
      held.delete(file);
      const holder = await readLock(file);
      if (holder?.pid === process.pid) await rm(file, { force: true });
    },
  };
}
