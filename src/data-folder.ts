// The data folder (embedded Azurite's tables and blobs, the generated key) is checked before
// anything uses it, so a bad TASKHUB_DATA_DIR fails at once with a message that says why instead
// of an emulator that never opens its ports. Node's own recursive mkdir can loop forever on
// pseudo file systems such as /proc, so folders are created one level at a time.

import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export class DataFolderError extends Error {}

const reason = (error: unknown) => (error as { code?: string }).code ?? (error as Error).message;

async function isDirectory(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function createFolder(path: string, depth = 0): Promise<void> {
  const kind = await isDirectory(path);
  if (kind === true) return;
  if (kind === false) throw new DataFolderError(`data folder ${path} is not a directory.`);
  const parent = dirname(path);
  if (parent === path || depth > 64) throw new DataFolderError(`data folder ${path} cannot be created.`);
  await createFolder(parent, depth + 1);
  try {
    await mkdir(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    if ((await isDirectory(path)) !== true) throw new DataFolderError(`data folder ${path} is not a directory.`);
  }
}

/** Creates the folder if needed and proves it is writable; throws DataFolderError with the cause. */
export async function prepareDataFolder(path: string): Promise<void> {
  try {
    await createFolder(path);
  } catch (error) {
    if (error instanceof DataFolderError) throw error;
    throw new DataFolderError(`data folder ${path} cannot be created (${reason(error)}).`);
  }
  const probe = `${path}/.write-probe-${process.pid}`;
  try {
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    throw new DataFolderError(`data folder ${path} is not writable (${reason(error)}).`);
  }
}
