import { createHash, randomUUID } from 'crypto';
import { createReadStream, createWriteStream } from 'fs';
import { mkdir, rename, rm } from 'fs/promises';
import * as path from 'path';
import { Readable, Transform } from 'stream';
import { pipeline } from 'stream/promises';

/**
 * Where attachment bytes live, behind one interface: on disk here (`DiskAttachmentStore`), an
 * S3-compatible bucket in production (README "Attachments"). Keys are `<tenant>/<attachment id>`.
 */
export interface AttachmentStore {
  /**
   * Stores the stream's bytes under `key`: its size and SHA-256 once the whole stream is stored. If
   * the stream fails (a size limit, a broken upload), nothing is left under `key` and the error is thrown.
   */
  put(key: string, content: Readable): Promise<{ size: number; sha256: string }>;
  /** The stored bytes (the stream errors when there are none). */
  get(key: string): Readable;
  /** Removes the bytes; removing what is not there is not an error. */
  delete(key: string): Promise<void>;
}

export const DEFAULT_ATTACHMENTS_DIR = '.data/attachments';

// Keys are ids joined by '/': nothing that could climb out of the root ('..', absolute paths, dots).
const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}(\/[A-Za-z0-9][A-Za-z0-9_-]{0,63}){0,3}$/;

export function checkAttachmentKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`not an attachment key: ${JSON.stringify(key.slice(0, 80))}`);
  return key;
}

/**
 * Attachments as files under `root` (`<root>/<tenant>/<id>`). A file is written beside its final
 * name and renamed once complete, so a reader never sees half a file and a failed upload leaves none.
 */
export class DiskAttachmentStore implements AttachmentStore {
  readonly root: string;

  constructor(root: string = DEFAULT_ATTACHMENTS_DIR) {
    this.root = path.resolve(root);
  }

  pathOf(key: string): string {
    return path.join(this.root, ...checkAttachmentKey(key).split('/'));
  }

  async put(key: string, content: Readable): Promise<{ size: number; sha256: string }> {
    const final = this.pathOf(key);
    const partial = `${final}.${randomUUID()}.part`;
    await mkdir(path.dirname(final), { recursive: true });
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(content, meter, createWriteStream(partial, { flags: 'wx', mode: 0o640 }));
      await rename(partial, final);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return { size, sha256: hash.digest('hex') };
  }

  get(key: string): Readable {
    return createReadStream(this.pathOf(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
