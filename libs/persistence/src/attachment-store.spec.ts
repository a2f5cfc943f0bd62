import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { DiskAttachmentStore } from './attachment-store';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('DiskAttachmentStore', () => {
  let root: string;
  let store: DiskAttachmentStore;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'attachments-'));
    store = new DiskAttachmentStore(root);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('stores a stream under <root>/<tenant>/<id>, reports its size and SHA-256, and gives the same bytes back', async () => {
    const bytes = Buffer.from('\x89PNG\r\n\x1a\n 一张照片 a photo');
    const stored = await store.put('t1/a1', Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]));
    expect(stored).toEqual({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(fs.readFileSync(path.join(root, 't1', 'a1'))).toEqual(bytes);
    expect(await readAll(store.get('t1/a1'))).toEqual(bytes);
  });

  it('leaves nothing behind when the stream fails part-way (a size limit, a broken upload)', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(1000, 1);
      throw new Error('file too large');
    }
    await expect(store.put('t1/a2', Readable.from(failing()))).rejects.toThrow('file too large');
    expect(fs.readdirSync(path.join(root, 't1'))).toEqual([]);
  });

  it('refuses keys that could leave the root', async () => {
    for (const key of ['../etc/passwd', 't1/../../x', '/abs', 't1/.hidden', '', 't1//a']) {
      expect(() => store.get(key)).toThrow('not an attachment key');
      await expect(store.put(key, Readable.from([Buffer.from('x')]))).rejects.toThrow('not an attachment key');
    }
  });

  it('deletes, and deleting what is not there is fine; reading it then fails', async () => {
    await store.put('t1/a3', Readable.from([Buffer.from('x')]));
    await store.delete('t1/a3');
    await store.delete('t1/a3');
    await expect(readAll(store.get('t1/a3'))).rejects.toThrow(/ENOENT/);
  });
});
