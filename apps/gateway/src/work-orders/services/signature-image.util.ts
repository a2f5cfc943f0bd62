import { createHash } from 'crypto';
import { BadUserInputError } from '../../common/app-error';

/** Decoded signature images: at most 128 KiB (the table's check constraint repeats it). */
export const SIGNATURE_IMAGE_MAX_BYTES = 128 * 1024;

export type SignatureContentType = 'image/png' | 'image/jpeg';

export interface CheckedSignatureImage {
  contentType: SignatureContentType;
  bytes: Buffer;
  sha256: string;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

/** What the bytes are, by their magic numbers (not by what the client says they are). */
export function sniffImageType(bytes: Buffer): SignatureContentType | null {
  if (bytes.length >= PNG_MAGIC.length && bytes.subarray(0, PNG_MAGIC.length).equals(PNG_MAGIC)) return 'image/png';
  if (bytes.length >= JPEG_MAGIC.length && bytes.subarray(0, JPEG_MAGIC.length).equals(JPEG_MAGIC)) return 'image/jpeg';
  return null;
}

/** Why the image is refused, by input field (null when it is a PNG or JPEG of the declared type within the limit). */
export function signatureImageIssue(input: { contentType: unknown; base64: unknown }): { field: 'base64' | 'contentType'; message: string } | null {
  if (typeof input.base64 !== 'string') return { field: 'base64', message: 'base64 must be base64 text' };
  const text = input.base64.replace(/\s+/g, '');
  if (text.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return { field: 'base64', message: 'base64 must be base64 text' };
  // Decoding more than the limit allows is not needed to refuse it.
  if (Math.floor((text.length * 3) / 4) - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0) > SIGNATURE_IMAGE_MAX_BYTES) {
    return { field: 'base64', message: `the image must be at most ${SIGNATURE_IMAGE_MAX_BYTES} bytes (128 KiB)` };
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) return { field: 'base64', message: 'base64 holds no image' };
  if (bytes.length > SIGNATURE_IMAGE_MAX_BYTES) return { field: 'base64', message: `the image is ${bytes.length} bytes; at most ${SIGNATURE_IMAGE_MAX_BYTES} (128 KiB) are accepted` };
  const actual = sniffImageType(bytes);
  if (!actual) return { field: 'base64', message: 'the image must be a PNG or a JPEG' };
  if (input.contentType !== 'image/png' && input.contentType !== 'image/jpeg') return { field: 'contentType', message: 'contentType must be image/png or image/jpeg' };
  if (actual !== input.contentType) return { field: 'contentType', message: `contentType says ${String(input.contentType)} but the image is ${actual}` };
  return null;
}

/**
 * A customer's signature image as the client sent it (`field` names the input, e.g. "signatureImage"):
 * strict base64, 1 byte to 128 KiB decoded, a PNG or a JPEG by its magic bytes, and the declared
 * content type must be what the bytes are. BAD_USER_INPUT naming the field otherwise.
 */
export function checkSignatureImage(field: string, input: { contentType: string; base64: string }): CheckedSignatureImage {
  const issue = signatureImageIssue(input);
  if (issue) throw new BadUserInputError([{ field: `${field}.${issue.field}`, message: issue.message }]);
  const bytes = Buffer.from(input.base64.replace(/\s+/g, ''), 'base64');
  return { contentType: sniffImageType(bytes) as SignatureContentType, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The stored image as a data URL (what `CustomerSignature.image` answers). */
export function dataUrl(contentType: string, bytes: Buffer): string {
  return `data:${contentType};base64,${bytes.toString('base64')}`;
}
