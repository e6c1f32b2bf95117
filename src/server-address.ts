// Where a running server can be found: `npm start` writes its address and key into the data folder
// and removes the file on a clean stop, so the CLI started from the same folder (with no connection
// string set) talks to it without flags. The file holds a key, so only its owner may read it.

import { readFileSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const FILE = 'server.json';

export interface ServerAddress {
  /** Base URL a local client can reach (loopback when the server listens on every interface). */
  url: string;
  /** A system key the server accepts; absent when authentication is off. */
  key?: string;
  pid: number;
}

export function serverAddressFile(dataDir: string): string {
  return join(dataDir, FILE);
}

/** Writes the address file; resolves to the function that removes it (on a clean stop). */
export async function publishServerAddress(dataDir: string, address: Omit<ServerAddress, 'pid'>): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = serverAddressFile(dataDir);
  const content: ServerAddress = { ...address, pid: process.pid };
  await writeFile(file, `${JSON.stringify(content)}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // an existing file keeps its old mode otherwise
  return () => rm(file, { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** The address of a server started from this data folder, if one is running. */
export function findServerAddress(dataDir: string): ServerAddress | undefined {
  let parsed: Partial<ServerAddress>;
  try {
    parsed = JSON.parse(readFileSync(serverAddressFile(dataDir), 'utf8')) as Partial<ServerAddress>;
  } catch {
    return undefined;
  }
  if (typeof parsed.url !== 'string' || !/^https?:\/\//.test(parsed.url) || typeof parsed.pid !== 'number') return undefined;
  // A server killed without a clean stop leaves the file behind.
  if (!isRunning(parsed.pid)) return undefined;
  return { url: parsed.url, key: typeof parsed.key === 'string' ? parsed.key : undefined, pid: parsed.pid };
}

/** The data folder as the server resolves it (`TASKHUB_DATA_DIR`, default `./.taskhub`), from `cwd`. */
export function dataFolder(env: Record<string, string | undefined>, cwd: string): string {
  return resolve(cwd, env.TASKHUB_DATA_DIR || './.taskhub');
}

/** A URL for a local client: a server bound to every interface is reached over loopback. */
export function localUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return `http://127.0.0.1:${port}`;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}
