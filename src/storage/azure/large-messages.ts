// Large payloads: gzip blobs in `{hub}-largemessages`, as the provider writes them.
// Queue messages over 45 KiB (UTF-8) and table properties over 60 KiB (UTF-16) go to blobs.

import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import { gunzipJsonOffThread, gunzipTextOffThread, gzipTextOffThread, type Gzipped } from '../../payloads/payload-thread.js';
import { ignoreNotFound, isNotFound } from './clients.js';

// Async zlib runs on the libuv thread pool, so a megabyte payload never stalls /health or the worker loop.
const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

/** Longer text is encoded and gzipped on the payload thread: encoding it here would cost the event loop milliseconds. */
const OFF_THREAD_FROM_LENGTH = 16 * 1024;

const OFF_THREAD_FROM_GZ_BYTES = 4 * 1024;

export const MAX_QUEUE_MESSAGE_BYTES = 45 * 1024;
export const MAX_TABLE_PROPERTY_BYTES = 60 * 1024;

export const exceedsTableLimit = (text: string) => text.length * 2 > MAX_TABLE_PROPERTY_BYTES;

export const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Blob for an over-size Instances column, named as the provider names it (random part against split brain). */
export const instanceColumnBlobName = (escapedInstanceId: string, column: string) =>
  `${escapedInstanceId}/history--${column}-${randomHex(4)}-${column}.json.gz`;

export class LargeMessages {
  private ensured = false;

  constructor(private readonly container: ContainerClient) {}

  /** Absolute URL of a blob, with each path segment escaped (what the provider stores in rows). */
  urlOf(blobName: string): string {
    return this.container.getBlockBlobClient(blobName).url;
  }

  /** Gzips `text` (on the payload thread when it is long) and uploads it; returns the blob's URL. */
  async upload(blobName: string, text: string): Promise<string> {
    const gz = text.length > OFF_THREAD_FROM_LENGTH ? (await gzipTextOffThread(text)).gz : await gzip(Buffer.from(text, 'utf8'));
    return this.uploadGzipped(blobName, gz);
  }

  /** Uploads content already gzipped; returns the blob's URL. */
  async uploadGzipped(blobName: string, gz: Buffer | Gzipped): Promise<string> {
    if (!this.ensured) {
      await this.container.createIfNotExists();
      this.ensured = true;
    }
    const blob = this.container.getBlockBlobClient(blobName);
    const body = Buffer.isBuffer(gz) ? gz : gz.gz;
    await blob.uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/octet-stream' } });
    return blob.url;
  }

  async download(blobName: string): Promise<string> {
    const buffer = await this.container.getBlockBlobClient(blobName).downloadToBuffer();
    // Decoding a megabyte of UTF-8 costs the event loop milliseconds; a blob that is large even
    // compressed is inflated and decoded on the payload thread.
    if (buffer.length > OFF_THREAD_FROM_GZ_BYTES) return gunzipTextOffThread(buffer);
    return (await gunzip(buffer)).toString('utf8');
  }

  /** A blob holding JSON (a large queue message), inflated and parsed off the event loop when large. */
  async downloadJson(blobName: string): Promise<unknown> {
    const buffer = await this.container.getBlockBlobClient(blobName).downloadToBuffer();
    if (buffer.length > OFF_THREAD_FROM_GZ_BYTES) return gunzipJsonOffThread(buffer);
    return JSON.parse((await gunzip(buffer)).toString('utf8')) as unknown;
  }

  /** Blob name from an absolute URL that points into this container, else undefined. */
  blobNameFromUrl(value: string): string | undefined {
    if (!/^https?:\/\//i.test(value)) return undefined;
    const base = this.container.url.replace(/\/+$/, '') + '/';
    if (!value.startsWith(base)) return undefined;
    return value.slice(base.length).split('/').map(decodeURIComponent).join('/');
  }

  async exists(): Promise<boolean> {
    return this.ensured || (await this.container.exists());
  }

  async deleteUnder(prefix: string): Promise<number> {
    let deleted = 0;
    try {
      for await (const blob of this.container.listBlobsFlat({ prefix })) {
        await ignoreNotFound(this.container.deleteBlob(blob.name));
        deleted++;
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return deleted;
  }
}
