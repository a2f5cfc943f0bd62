import { createHmac, timingSafeEqual } from 'crypto';
import { BadUserInputError } from '../common/app-error';

/**
 * Keyset cursors of the complaint lists: the position (receivedAt to the microsecond, id) of the
 * last complaint of a page, MAC'd with the caller's tenant. Another tenant's cursor, an edited one
 * or one this API never returned is refused (BAD_USER_INPUT naming `after`) rather than read.
 */
export interface ListPosition {
  /** received_at as PostgreSQL holds it (microseconds; a JS Date would drop them and skip rows). */
  receivedAt: string;
  id: string;
}

const VERSION = 'c1';
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ComplaintCursors {
  private readonly key: Buffer;

  /** `secret`: shared by every gateway of a deployment (the database URL and token secret are). */
  constructor(secret: string) {
    this.key = createHmac('sha256', 'complaint-list-cursor').update(secret).digest();
  }

  private mac(tenantId: string, body: string): Buffer {
    return createHmac('sha256', this.key).update(`${tenantId}\u0000${body}`).digest().subarray(0, 16);
  }

  encode(tenantId: string, at: ListPosition): string {
    const body = Buffer.from(`${VERSION}|${at.receivedAt}|${at.id}`).toString('base64url');
    return `${body}.${this.mac(tenantId, body).toString('base64url')}`;
  }

  decode(tenantId: string, cursor: string): ListPosition {
    const refuse = (): never => {
      throw new BadUserInputError([{ field: 'after', message: 'after is not a cursor this API returned for your list' }]);
    };
    const [body, tag, extra] = cursor.split('.');
    if (!body || !tag || extra !== undefined) return refuse();
    const want = this.mac(tenantId, body);
    const got = Buffer.from(tag, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return refuse();
    const [version, receivedAt, id, more] = Buffer.from(body, 'base64url').toString('utf8').split('|');
    if (version !== VERSION || more !== undefined || !INSTANT.test(receivedAt ?? '') || !UUID.test(id ?? '')) return refuse();
    return { receivedAt, id };
  }
}
