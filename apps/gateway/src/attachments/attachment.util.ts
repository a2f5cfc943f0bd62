import { fromBuffer } from 'file-type';
import { isStaffOf, type Actor, type ComplaintRef } from '../../../../libs/domain/src/permissions/permission.util';

/** What may be attached: photos (JPEG, PNG, WebP, HEIC/HEIF from phones) and PDF (the signed service order, letters). */
export const ALLOWED_CONTENT_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'application/pdf'];

/** How much of a file's start the type is sniffed from (file-type reads at most this much). */
export const SNIFF_BYTES = 4100;

export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** How many files one complaint holds at most. */
export const MAX_ATTACHMENTS_PER_COMPLAINT = 20;
const MAX_FILE_NAME_CHARS = 200;

// HTML openers as the WHATWG MIME sniffing standard lists them (followed by a space or '>').
const HTML_OPENERS = ['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'];
// Bytes that never occur in text (the standard's "binary data byte").
const BINARY_BYTE = /[\x00-\x08\x0B\x0E-\x1A\x1C-\x1F]/;

/**
 * The media type of a file from its first bytes (at least `SNIFF_BYTES`, or the whole file):
 * file-type's magic numbers, else what a browser would take text to be (HTML, SVG, XML, plain
 * text), else application/octet-stream. What the uploader declared plays no part.
 */
export async function sniffContentType(head: Buffer): Promise<string> {
  const found = await fromBuffer(head);
  const text = head.subarray(0, 1024).toString('latin1');
  // file-type calls any XML application/xml: an SVG (which runs scripts) is named as what it is.
  if (found?.mime === 'application/xml' && /<svg[\s>]/i.test(text)) return 'image/svg+xml';
  if (found) return found.mime;
  if (BINARY_BYTE.test(text)) return 'application/octet-stream';
  const start = text.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toUpperCase();
  if (HTML_OPENERS.some((o) => start.startsWith(o) && /^[ \t\n\f\r>]/.test(start.slice(o.length)))) return 'text/html';
  if (/<SVG[\s>]/.test(start)) return 'image/svg+xml';
  if (start.startsWith('<?XML')) return 'application/xml';
  return 'text/plain';
}

export function isAllowedContentType(mime: string): boolean {
  return ALLOWED_CONTENT_TYPES.includes(mime);
}

/**
 * The name a file is listed and downloaded under: the last path segment of what the client sent,
 * without control characters, at most 200 characters (the extension kept); "attachment" when nothing is left.
 */
export function cleanFileName(raw: string | undefined | null): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const name = base.normalize('NFC').replace(/[\x00-\x1F\x7F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g, '').trim();
  if (name === '' || name === '.' || name === '..') return 'attachment';
  const chars = [...name];
  if (chars.length <= MAX_FILE_NAME_CHARS) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? [...name.slice(dot)] : [];
  const keep = ext.length > 0 && ext.length <= 16 ? ext : [];
  return chars.slice(0, MAX_FILE_NAME_CHARS - keep.length).join('') + keep.join('');
}

/**
 * `Content-Disposition: attachment` naming the file: an ASCII fallback in `filename` and the real
 * name, UTF-8 percent-encoded, in `filename*` (RFC 6266 / RFC 5987), so Chinese names survive.
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7E]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Null when the actor may attach files to the complaint (staff of its branch, or its assignee); else the reason. */
export function attachRefusal(actor: Actor, complaint: Pick<ComplaintRef, 'branchId' | 'companyId' | 'assigneeId'>): string | null {
  if (isStaffOf(actor, complaint)) return null;
  if (complaint.assigneeId !== null && complaint.assigneeId === actor.userId) return null;
  return 'only staff of this branch or the assignee may attach files to this complaint';
}

/** Where attachments are stored and how large one may be (env ATTACHMENTS_DIR, ATTACHMENT_MAX_BYTES). */
export interface AttachmentSettings {
  dir: string;
  maxBytes: number;
}

export function attachmentSettings(config: { attachmentsDir?: string; attachmentMaxBytes?: number }): AttachmentSettings {
  const maxBytes = config.attachmentMaxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new Error(`ATTACHMENT_MAX_BYTES must be a positive whole number of bytes (got ${config.attachmentMaxBytes})`);
  return { dir: config.attachmentsDir || '.data/attachments', maxBytes };
}
