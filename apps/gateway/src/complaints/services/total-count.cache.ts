/**
 * `totalCount` of the complaint lists: exact while few complaints match, and above that an exact
 * count made at most `maxAgeMs` before (per tenant, caller's reach, list and filter), so a page of a
 * million-complaint tenant never counts a million rows on the request's path. A stale count is
 * answered while one recount runs in the background; callers that find none wait for one count.
 */
export const EXACT_COUNT_UP_TO = 1000;
export const COUNT_MAX_AGE_MS = 60_000;
// Bounded memory: the oldest entries go first (a count is cheap to make again).
const MAX_ENTRIES = 5000;

interface Entry {
  n?: number;
  at: number;
  pending?: Promise<number>;
}

export class TotalCountCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxAgeMs = COUNT_MAX_AGE_MS, private readonly now: () => number = Date.now) {}

  /** A count above the exact range, fresh enough to answer without counting at all. */
  fresh(key: string): number | undefined {
    const e = this.entries.get(key);
    return e?.n !== undefined && e.n > EXACT_COUNT_UP_TO && this.now() - e.at < this.maxAgeMs ? e.n : undefined;
  }

  /**
   * The total once a bounded count found more than EXACT_COUNT_UP_TO: the cached count (recounted
   * in the background when stale), or the one count of all waiting callers.
   */
  async above(key: string, count: () => Promise<number>): Promise<number> {
    const e = this.entries.get(key);
    const floor = (n: number): number => Math.max(n, EXACT_COUNT_UP_TO + 1);
    if (e?.n !== undefined) {
      if (this.now() - e.at >= this.maxAgeMs && !e.pending) this.recount(key, e, count).catch(() => undefined);
      return floor(e.n);
    }
    const entry = e ?? this.add(key);
    return floor(await (entry.pending ?? this.recount(key, entry, count)));
  }

  private add(key: string): Entry {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    const entry: Entry = { at: 0 };
    this.entries.set(key, entry);
    return entry;
  }

  private recount(key: string, entry: Entry, count: () => Promise<number>): Promise<number> {
    const pending = count().then((n) => {
      entry.n = n;
      entry.at = this.now();
      return n;
    }).finally(() => {
      entry.pending = undefined;
      // A failed first count leaves nothing behind: the next caller counts again.
      if (entry.n === undefined && this.entries.get(key) === entry) this.entries.delete(key);
    });
    entry.pending = pending;
    return pending;
  }
}
