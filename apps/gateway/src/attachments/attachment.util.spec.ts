import { attachRefusal, attachmentSettings, cleanFileName, contentDisposition, isAllowedContentType, sniffContentType } from './attachment.util';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic'), Buffer.alloc(16)]);

describe('sniffContentType: the type comes from the content', () => {
  it.each([
    ['a PNG', PNG, 'image/png'],
    ['a JPEG', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(32)]), 'image/jpeg'],
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'), 'application/pdf'],
    ['a HEIC photo', HEIC, 'image/heic'],
    ['HTML', Buffer.from('  <!DOCTYPE html><html><script>alert(1)</script></html>'), 'text/html'],
    ['HTML with a BOM', Buffer.from('\uFEFF<html>\n<body>hi</body>'), 'text/html'],
    ['an SVG', Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'), 'image/svg+xml'],
    ['plain text', Buffer.from('电梯三天没修好'), 'text/plain'],
    ['unknown binary', Buffer.from([0, 1, 2, 3, 4, 5]), 'application/octet-stream'],
  ])('%s → %s', async (_what, bytes, mime) => {
    expect(await sniffContentType(bytes)).toBe(mime);
  });

  it('allows photos and PDF only', () => {
    for (const ok of ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf']) expect(isAllowedContentType(ok)).toBe(true);
    for (const no of ['text/html', 'image/svg+xml', 'text/plain', 'application/octet-stream', 'image/gif']) expect(isAllowedContentType(no)).toBe(false);
  });
});

describe('file names', () => {
  it('keeps the last path segment without control characters, and a name for an empty one', () => {
    expect(cleanFileName('C:\\Users\\wang\\漏水 照片.jpg')).toBe('漏水 照片.jpg');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('a\r\nb\u202Egnp.exe')).toBe('abgnp.exe');
    expect(cleanFileName('')).toBe('attachment');
    expect(cleanFileName(undefined)).toBe('attachment');
    const long = cleanFileName(`${'长'.repeat(300)}.pdf`);
    expect([...long]).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('names the file in Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 5987)', () => {
    expect(contentDisposition('维修单 签字.pdf')).toBe('attachment; filename="___ __.pdf"; filename*=UTF-8\'\'%E7%BB%B4%E4%BF%AE%E5%8D%95%20%E7%AD%BE%E5%AD%97.pdf');
    expect(contentDisposition('a"b\\c\'d.png')).toBe('attachment; filename="a_b_c\'d.png"; filename*=UTF-8\'\'a%22b%5Cc%27d.png');
  });
});

describe('who attaches files', () => {
  const complaint = { branchId: 'b1', companyId: 'c1', assigneeId: 'u-assignee' };
  it('staff of the branch and the assignee; not a handler who merely sees it, nor staff of another branch', () => {
    expect(attachRefusal({ userId: 'u1', roles: [{ role: 'DISPATCHER', companyId: 'c1', branchId: 'b1' }] }, complaint)).toBeNull();
    expect(attachRefusal({ userId: 'u2', roles: [{ role: 'HEAD_OFFICE', companyId: null, branchId: null }] }, complaint)).toBeNull();
    expect(attachRefusal({ userId: 'u-assignee', roles: [{ role: 'HANDLER', companyId: 'c1', branchId: 'b1' }] }, complaint)).toBeNull();
    expect(attachRefusal({ userId: 'u3', roles: [{ role: 'HANDLER', companyId: 'c1', branchId: 'b1' }] }, complaint)).toMatch(/staff of this branch or the assignee/);
    expect(attachRefusal({ userId: 'u4', roles: [{ role: 'BRANCH_MANAGER', companyId: 'c1', branchId: 'b2' }] }, complaint)).not.toBeNull();
  });
});

describe('attachmentSettings', () => {
  it('defaults to .data/attachments and 10 MB, and refuses a nonsense limit', () => {
    expect(attachmentSettings({})).toEqual({ dir: '.data/attachments', maxBytes: 10 * 1024 * 1024 });
    expect(attachmentSettings({ attachmentsDir: '/srv/files', attachmentMaxBytes: 1000 })).toEqual({ dir: '/srv/files', maxBytes: 1000 });
    expect(() => attachmentSettings({ attachmentMaxBytes: Number('ten') })).toThrow('ATTACHMENT_MAX_BYTES');
  });
});
