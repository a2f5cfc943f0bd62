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
const SEARCH_VERSION = 's1';
const RANK = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/;

/** The position in a text search's results, which run by relevance first. */
export interface SearchPosition extends ListPosition {
  /** The relevance as PostgreSQL printed it (compared as a number). */
  rank: string;
}
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const refuse = (): never => {
  throw new BadUserInputError([{ field: 'after', message: 'after is not a cursor this API returned for your list' }]);
};

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
    return this.sign(tenantId, `${VERSION}|${at.receivedAt}|${at.id}`);
  }

  /** A search's cursor, bound to its text as well as the tenant: another search's cursor is refused. */
  encodeSearch(tenantId: string, text: string, at: SearchPosition): string {
    return this.sign(`${tenantId}\u0000${text}`, `${SEARCH_VERSION}|${at.rank}|${at.receivedAt}|${at.id}`);
  }

  decodeSearch(tenantId: string, text: string, cursor: string): SearchPosition {
    const [version, rank, receivedAt, id, more] = this.open(`${tenantId}\u0000${text}`, cursor);
    if (version !== SEARCH_VERSION || more !== undefined || !RANK.test(rank ?? '') || !INSTANT.test(receivedAt ?? '') || !UUID.test(id ?? '')) return refuse();
    return { rank, receivedAt, id };
  }

  private sign(key: string, text: string): string {
    const body = Buffer.from(text).toString('base64url');
    return `${body}.${this.mac(key, body).toString('base64url')}`;
  }

  /** The fields of a cursor this API signed for `key`, else BAD_USER_INPUT naming `after`. */
  private open(key: string, cursor: string): string[] {
    const [body, tag, extra] = cursor.split('.');
    if (!body || !tag || extra !== undefined) return refuse();
    const want = this.mac(key, body);
    const got = Buffer.from(tag, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return refuse();
    return Buffer.from(body, 'base64url').toString('utf8').split('|');
  }

  decode(tenantId: string, cursor: string): ListPosition {
    const [version, receivedAt, id, more] = this.open(tenantId, cursor);
    if (version !== VERSION || more !== undefined || !INSTANT.test(receivedAt ?? '') || !UUID.test(id ?? '')) return refuse();
    return { receivedAt, id };
  }
}
