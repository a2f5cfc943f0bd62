import { BadUserInputError } from '../../common/app-error';
import { checkSignatureImage, dataUrl, sniffImageType } from './signature-image.util';

// A real 1×1 PNG, a JPEG header, and a GIF.
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]).toString('base64');
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1').toString('base64');

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(BadUserInputError);
    return (err as BadUserInputError).fields?.[0]?.field;
  }
  return undefined;
}

describe('signature images', () => {
  it('accepts a real PNG and a JPEG whose declared type matches, and gives them back as data URLs', () => {
    const png = checkSignatureImage('signatureImage', { contentType: 'image/png', base64: PNG_1X1 });
    expect(png.contentType).toBe('image/png');
    expect(png.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(dataUrl(png.contentType, png.bytes)).toBe(`data:image/png;base64,${PNG_1X1}`);
    expect(checkSignatureImage('signatureImage', { contentType: 'image/jpeg', base64: JPEG_START }).contentType).toBe('image/jpeg');
  });

  it('refuses a GIF, garbage, an empty or oversized image and a mismatched type, naming the field', () => {
    expect(sniffImageType(Buffer.from(GIF, 'base64'))).toBeNull();
    expect(fieldOf(() => checkSignatureImage('signatureImage', { contentType: 'image/png', base64: GIF }))).toBe('signatureImage.base64');
    expect(fieldOf(() => checkSignatureImage('signatureImage', { contentType: 'image/png', base64: '!!not base64!!' }))).toBe('signatureImage.base64');
    expect(fieldOf(() => checkSignatureImage('signatureImage', { contentType: 'image/png', base64: '' }))).toBe('signatureImage.base64');
    const big = Buffer.concat([Buffer.from(PNG_1X1, 'base64'), Buffer.alloc(128 * 1024)]).toString('base64');
    expect(fieldOf(() => checkSignatureImage('signatureImage', { contentType: 'image/png', base64: big }))).toBe('signatureImage.base64');
    expect(fieldOf(() => checkSignatureImage('signatureImage', { contentType: 'image/jpeg', base64: PNG_1X1 }))).toBe('signatureImage.contentType');
  });
});
