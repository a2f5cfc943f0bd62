/**
 * Attachments (issue 15 item 5) on the real stack: files uploaded as multipart to POST /attachments
 * with the caller's bearer token, streamed to the disk store, listed on the complaint over GraphQL
 * and streamed back by GET /attachments/:id — the type judged from the content, the size limited,
 * and every file scoped exactly like its complaint (another tenant's, another branch's: NOT_FOUND).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';

// A 1×1 PNG: signature, IHDR, IDAT, IEND.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
// Above the gateway's JSON body limit (256 KiB): a file streams past it.
const MAX_BYTES = 1024 * 1024;
const ATTACHMENTS = `query($id: ID!) { complaint(id: $id) { attachments { id stage fileName contentType sizeBytes uploadedAt url } } }`;

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** Every file under the store's directory (relative paths), partial ones included. */
function storedFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('complaint attachments', () => {
  let stack: Stack;
  let base: string;
  let dir: string;
  let g: Group;
  let other: Group;
  let complaintId: string;
  let otherComplaintId: string;
  let otherBranchHandler: string;

  const upload = async (token: string | null, fields: { complaintId: string; stage: string }, file: { bytes: Buffer; name: string; type: string }) => {
    const form = new FormData();
    form.append('complaintId', fields.complaintId);
    form.append('stage', fields.stage);
    form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
    const res = await fetch(`${base}/attachments`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const download = (token: string | null, id: string) => fetch(`${base}/attachments/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const listed = async (token: string, id: string) => (await stack.ok(ATTACHMENTS, { id }, token)).complaint.attachments as Record<string, any>[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attachments-e2e-'));
    stack = await Stack.start('attachments', { gateway: { attachmentsDir: dir, attachmentMaxBytes: MAX_BYTES } });
    base = stack.url.replace(/\/graphql$/, '');
    g = await provisionGroup(stack, 'Attachment Group', 'pm-branch', 'AT01');
    other = await provisionGroup(stack, 'Other Group', 'pm-branch', 'AT09');
    complaintId = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'attach-1', { description: '三楼漏水 — a leak on the third floor' }) }, g.tokens.dispatcher)).submitComplaint.id;
    otherComplaintId = (await stack.ok(SUBMIT, { input: complaintInput(other.branchId, 'attach-other') }, other.tokens.dispatcher)).submitComplaint.id;
    otherBranchHandler = (await stack.ok(`mutation($r: [RoleAssignmentInput!]!) { createUser(name: "Handler Zhou", roles: $r) { id } }`,
      { r: [{ role: 'HANDLER', branchId: g.otherBranchId }] }, g.tokens.headOffice)).createUser.id;
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a PNG uploaded at intake is listed on the complaint and downloads byte-identical, its Chinese name intact', async () => {
    const name = '三楼漏水照片.png';
    const up = await upload(g.tokens.dispatcher, { complaintId, stage: 'INTAKE' }, { bytes: PNG, name, type: 'image/png' });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ stage: 'INTAKE', fileName: name, contentType: 'image/png', sizeBytes: PNG.length, url: `/attachments/${up.body.id}` });
    // Stored under <dir>/<tenant>/<id>, and nothing else.
    expect(storedFiles(dir)).toEqual([path.join(g.tenantId, up.body.id)]);

    const list = await listed(g.tokens.branchManager, complaintId);
    expect(list).toEqual([expect.objectContaining({ id: up.body.id, stage: 'INTAKE', fileName: name, contentType: 'image/png', sizeBytes: PNG.length, url: `/attachments/${up.body.id}` })]);
    expect(Date.parse(list[0].uploadedAt)).toBeGreaterThan(Date.now() - 60_000);

    const res = await download(g.tokens.branchManager, up.body.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; filename="[^"]*\.png"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1])).toBe(name);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('an HTML page named .png and declared image/png is refused, naming the detected type; nothing is stored', async () => {
    const before = storedFiles(dir);
    const html = Buffer.from('<!DOCTYPE html><html><body><script>fetch("/graphql")</script></body></html>');
    const up = await upload(g.tokens.dispatcher, { complaintId, stage: 'FOLLOW_UP' }, { bytes: html, name: 'photo.png', type: 'image/png' });
    expect(up.status).toBe(415);
    expect((up.body as ErrorBody).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'file' });
    expect((up.body as ErrorBody).error.message).toMatch(/"photo\.png" is not an allowed type \(detected text\/html\)/);
    expect(storedFiles(dir)).toEqual(before);
    expect(await listed(g.tokens.dispatcher, complaintId)).toHaveLength(1);
  });

  it('a file over the size limit is refused and leaves nothing stored; one exactly at the limit is kept', async () => {
    const before = storedFiles(dir);
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_BYTES + 1 - PNG.length, 7)]);
    const up = await upload(g.tokens.dispatcher, { complaintId, stage: 'COMPLETION' }, { bytes: big, name: 'big.png', type: 'image/png' });
    expect(up.status).toBe(413);
    expect((up.body as ErrorBody).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'file' });
    expect((up.body as ErrorBody).error.message).toMatch(`larger than the ${MAX_BYTES} bytes`);
    expect(storedFiles(dir)).toEqual(before);
    expect(await listed(g.tokens.dispatcher, complaintId)).toHaveLength(1);

    const atLimit = await upload(g.tokens.dispatcher, { complaintId, stage: 'COMPLETION' }, { bytes: big.subarray(0, MAX_BYTES), name: 'limit.png', type: 'image/png' });
    expect(atLimit.status).toBe(201);
    expect(atLimit.body.sizeBytes).toBe(MAX_BYTES);
    const res = await download(g.tokens.dispatcher, atLimit.body.id);
    expect(Buffer.from(await res.arrayBuffer()).equals(big.subarray(0, MAX_BYTES))).toBe(true);
  });

  it('another tenant\'s attachment is NOT_FOUND to download, and its complaint NOT_FOUND to upload to', async () => {
    const [mine] = await listed(g.tokens.dispatcher, complaintId);
    const res = await download(other.tokens.headOffice, mine.id);
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('NOT_FOUND');

    const before = storedFiles(dir);
    const up = await upload(g.tokens.headOffice, { complaintId: otherComplaintId, stage: 'INTAKE' }, { bytes: PNG, name: 'x.png', type: 'image/png' });
    expect(up.status).toBe(404);
    expect((up.body as ErrorBody).error.code).toBe('NOT_FOUND');
    expect(storedFiles(dir)).toEqual(before);
    // The owner still reads its own.
    expect((await download(g.tokens.headOffice, mine.id)).status).toBe(200);
  });

  it('a handler of another branch gets NOT_FOUND for the file and the complaint, as for one that does not exist', async () => {
    const [mine] = await listed(g.tokens.dispatcher, complaintId);
    const handler = stack.token(otherBranchHandler, g.tenantId);
    const res = await download(handler, mine.id);
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('NOT_FOUND');
    const missing = await download(handler, '00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    const up = await upload(handler, { complaintId, stage: 'FOLLOW_UP' }, { bytes: PNG, name: 'x.png', type: 'image/png' });
    expect(up.status).toBe(404);
    expect((up.body as ErrorBody).error.code).toBe('NOT_FOUND');
  });

  it('the assignee attaches at follow-up; a malformed id is 400, no token 401, a bad stage 400 naming it', async () => {
    await stack.ok(`mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a, requestId: "attach-dispatch") { id } }`, { id: complaintId, a: g.handler }, g.tokens.dispatcher);
    const up = await upload(g.tokens.handler, { complaintId, stage: 'FOLLOW_UP' }, { bytes: PNG, name: '现场.png', type: 'application/octet-stream' });
    expect(up.status).toBe(201);
    // The declared type did not matter: the content is a PNG.
    expect(up.body.contentType).toBe('image/png');
    expect((await listed(g.tokens.handler, complaintId)).map((a) => a.stage)).toEqual(['INTAKE', 'COMPLETION', 'FOLLOW_UP']);

    const malformed = await download(g.tokens.dispatcher, 'not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorBody).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect((await download(null, up.body.id)).status).toBe(401);
    expect((await upload(null, { complaintId, stage: 'INTAKE' }, { bytes: PNG, name: 'x.png', type: 'image/png' })).status).toBe(401);
    const badStage = await upload(g.tokens.dispatcher, { complaintId, stage: 'LATER' }, { bytes: PNG, name: 'x.png', type: 'image/png' });
    expect(badStage.status).toBe(400);
    expect((badStage.body as ErrorBody).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stage' });
  });
});
