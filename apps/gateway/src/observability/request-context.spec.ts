import { MAX_REQUEST_ID_LENGTH, REQUEST_ID_HEADER, isValidRequestId, requestIdFromHeaders, withRequestId } from '../../../../workflows/shared/request-context';
import { currentRequestId, resolveRequestId, runWithRequestId } from './request-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request id', () => {
  it("keeps a caller's sane x-request-id", () => {
    for (const id of ['abc', 'req-42', '3f1c2a9e-0b7d-4c1e-9a55-1f2e3d4c5b6a', '01HZX3K9Q7Y5N2M8P4R6T0V1W3', 'trace.span:1_2', 'x'.repeat(MAX_REQUEST_ID_LENGTH)]) {
      expect(resolveRequestId(id)).toBe(id);
    }
    expect(resolveRequestId('  padded-id  ')).toBe('padded-id');
    // A repeated header: the first one.
    expect(resolveRequestId(['first-id', 'second-id'])).toBe('first-id');
  });

  it('replaces a missing, empty, too long or oddly spelled one with a new UUID', () => {
    const refused = [
      undefined, '', '   ', 'x'.repeat(MAX_REQUEST_ID_LENGTH + 1), 'has space', 'new\nline', 'quote"d', '<script>', 'semi;colon',
      '中文', 'tab\there', 'a/b', '{"json":1}', 'ä', '\u0000',
    ];
    for (const header of refused) {
      const id = resolveRequestId(header);
      expect(id).toMatch(UUID);
      expect(id).not.toBe(header);
    }
    // Each request gets its own.
    expect(resolveRequestId(undefined)).not.toBe(resolveRequestId(undefined));
  });

  it('validates what comes back from Temporal headers the same way', () => {
    expect(isValidRequestId('ok-1')).toBe(true);
    expect(isValidRequestId(42)).toBe(false);
    expect(isValidRequestId('bad id')).toBe(false);
    const headers = withRequestId({}, 'req-7');
    expect(Object.keys(headers)).toEqual([REQUEST_ID_HEADER]);
    expect(requestIdFromHeaders(headers)).toBe('req-7');
    // Nothing is added for an invalid id, and a forged header value is not believed.
    expect(withRequestId({}, 'bad id')).toEqual({});
    expect(withRequestId({}, undefined)).toEqual({});
    expect(requestIdFromHeaders({ [REQUEST_ID_HEADER]: withRequestId({}, 'x')[REQUEST_ID_HEADER] })).toBe('x');
    expect(requestIdFromHeaders({ [REQUEST_ID_HEADER]: { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('"bad id"') } })).toBeUndefined();
    expect(requestIdFromHeaders({ [REQUEST_ID_HEADER]: { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('{not json') } })).toBeUndefined();
    expect(requestIdFromHeaders(undefined)).toBeUndefined();
  });

  it('is the current request id across awaits, and only inside its request', async () => {
    expect(currentRequestId()).toBeUndefined();
    const seen = await Promise.all(['r-1', 'r-2'].map((id) => runWithRequestId(id, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return currentRequestId();
    })));
    expect(seen).toEqual(['r-1', 'r-2']);
    expect(currentRequestId()).toBeUndefined();
  });
});
