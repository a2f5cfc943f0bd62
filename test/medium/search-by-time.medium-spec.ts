/**
 * `search_complaints` on a real PostgreSQL: the newest matches of a search, found a span of days
 * at a time through the GIN index, must be exactly the newest matches PostgreSQL finds by reading
 * every row (in order, none lost at a segment's edge, none from another tenant or outside the
 * caller's reach). Complaints are registered by the worker's own activity, so their search vectors
 * (words, reference and time lexemes) are the ones production writes.
 */
import { randomUUID } from 'crypto';
import { ComplaintActivitiesService } from '../../apps/worker/src/activities/complaint.activities';
import { backfillSearchTimeLexemes } from '../../libs/persistence/src/migrations/1763970000000-search-by-time';
import { tenantTransaction } from '../../libs/persistence/src/tenant-transaction';
import { textAnalyzer } from '../../libs/text/src/text-analyzer';
import { MediumDatabase, SeededOrganisation, insertBranch, insertOrganisation, openDatabase, registerArgs } from './medium-support';

const DAY = 86_400_000;
const analyzer = textAnalyzer();
const q = (text: string): string => analyzer.searchQuery(text) as string;

let m: MediumDatabase;
let org: SeededOrganisation;
let other: SeededOrganisation;
let secondBranch: string;
let service: ComplaintActivitiesService;

/** Days back from now (negative: ahead, as a clock a little fast would write). */
const spread = [0, 0.01, 0.3, 0.9, 1.2, 2.5, 3.1, 6.9, 7.2, 14, 16, 30.5, 31.5, 45, 62, 64, 100, 130, 200, 256, 300, 510, 512, 700, 1100, -0.5, -1.5];

async function register(o: SeededOrganisation, daysBack: number, description: string, branchId = o.branchId, branchCode = o.branchCode): Promise<void> {
  const args = registerArgs(o, { receivedAt: Date.now() - daysBack * DAY, description, branchId, branchCode });
  await service.registerComplaint(args);
}

beforeAll(async () => {
  m = await openDatabase('medium_search_by_time');
  org = await insertOrganisation(m.db, { users: ['first-contact'] });
  other = await insertOrganisation(m.db, { users: ['first-contact'], branchCode: 'SZ01' });
  secondBranch = await insertBranch(m.db, org, 'GZ02');
  service = new ComplaintActivitiesService(m.app);
  // Each day of the spread: two lift complaints in the first branch, one in the second, one leak.
  for (const d of spread) {
    await register(org, d, `${d}天前 3栋电梯坏了，老人上不了楼`);
    await register(org, d + 0.001, `${d}天前 电梯故障，困人`);
    await register(org, d + 0.002, `${d}天前 5栋电梯异响`, secondBranch, 'GZ02');
    await register(org, d + 0.003, `${d}天前 地下车库漏水好几天没人管`);
    await register(other, d, `${d}天前 电梯坏了`);
  }
}, 300_000);
afterAll(async () => {
  await m?.close();
});

interface Narrowing { [key: string]: unknown }

/** search_complaints as the application role in the tenant's transaction (row-level security applies). */
async function search(tenantId: string, query: string, rows: number | null, narrowing: Narrowing = {}, few?: number): Promise<string[]> {
  return tenantTransaction(m.app, tenantId, async (t) => {
    if (few !== undefined) await t.query(`SELECT set_config('app.search_few_matches', $1, true)`, [String(few)]);
    const found: { id: string }[] = await t.query(`SELECT id FROM search_complaints(CAST($1 AS tsquery), $2, CAST($3 AS jsonb))`, [query, rows, JSON.stringify(narrowing)]);
    return found.map((r) => r.id);
  });
}

/** The same, by reading every row (as the owner): the answer the search must give. */
async function everyRow(tenantId: string, query: string, rows: number | null, where = 'TRUE', params: unknown[] = []): Promise<string[]> {
  const found: { id: string }[] = await m.db.query(
    `SELECT id FROM complaints WHERE tenant_id = $1 AND search_vector @@ CAST($2 AS tsquery) AND ${where}
      ORDER BY received_at DESC, id DESC ${rows === null ? '' : `LIMIT ${rows}`}`, [tenantId, query, ...params],
  );
  return found.map((r) => r.id);
}

describe('search_complaints', () => {
  it('finds the newest matches span by span, exactly as reading every row does, for every window size', async () => {
    const lift = q('电梯坏了');
    const all = await everyRow(org.tenantId, lift, null);
    expect(all.length).toBe(spread.length * 2);
    for (const few of [0, 1_000_000]) {
      for (const rows of [1, 2, 3, 5, 8, 13, 21, 34, 55, all.length, all.length + 10]) {
        expect({ few, rows, ids: await search(org.tenantId, lift, rows, {}, few) }).toEqual({ few, rows, ids: all.slice(0, rows) });
      }
      expect(await search(org.tenantId, lift, null, {}, few)).toEqual(all);
    }
    // Asked once, it says how many match in all; by spans it does not know.
    const totals = async (few: number): Promise<unknown[]> => tenantTransaction(m.app, org.tenantId, async (t) => {
      await t.query(`SELECT set_config('app.search_few_matches', $1, true)`, [String(few)]);
      const rows: { total: string | null }[] = await t.query(`SELECT total FROM search_complaints(CAST($1 AS tsquery), 5, '{}'::jsonb)`, [lift]);
      return [...new Set(rows.map((r) => r.total))];
    });
    expect(await totals(1_000_000)).toEqual([String(all.length)]);
    expect(await totals(0)).toEqual([null]);
  });

  it('keeps to the dates asked for, across segment edges', async () => {
    const lift = q('电梯');
    const now = Date.now();
    for (const [fromDays, toDays] of [[40, 10], [600, 200], [2000, 513], [3, -1], [0.5, -3]] as const) {
      const from = new Date(now - fromDays * DAY).toISOString();
      const to = new Date(now - toDays * DAY).toISOString();
      const expected = await everyRow(org.tenantId, lift, 7, 'received_at >= $3 AND received_at < $4', [from, to]);
      expect(expected.length).toBeGreaterThan(0);
      for (const few of [0, 1_000_000]) expect(await search(org.tenantId, lift, 7, { receivedFrom: from, receivedTo: to }, few)).toEqual(expected);
    }
  });

  it('finds the newest matches within the caller\'s reach, though the tenant\'s newest are elsewhere', async () => {
    const lift = q('电梯');
    const inBranch = await everyRow(org.tenantId, lift, 10, 'branch_id = $3', [secondBranch]);
    expect(inBranch).toHaveLength(10);
    const narrowing = { scoped: true, scopeBranchIds: [secondBranch], scopeCompanyIds: [], me: null };
    expect(await search(org.tenantId, lift, 10, narrowing, 0)).toEqual(inBranch);
    // A list filter narrows the same way; a reach with nothing in it finds nothing.
    expect(await search(org.tenantId, lift, 10, { branchId: secondBranch }, 0)).toEqual(inBranch);
    expect(await search(org.tenantId, lift, 10, { scoped: true, scopeBranchIds: [], scopeCompanyIds: [], me: null }, 0)).toEqual([]);
  });

  it('never returns another tenant\'s complaints, and nothing without a tenant', async () => {
    const lift = q('电梯坏了');
    const mine = new Set(await everyRow(org.tenantId, lift, null));
    const theirs = await search(other.tenantId, lift, null);
    expect(theirs).toEqual(await everyRow(other.tenantId, lift, null));
    expect(theirs.filter((id) => mine.has(id))).toEqual([]);
    const none: { id: string }[] = await m.app.query(`SELECT id FROM search_complaints(CAST($1 AS tsquery), 10, '{}'::jsonb)`, [lift]);
    expect(none).toEqual([]);
  });

  it('gives complaints written before it their time lexemes (the migration\'s backfill), after which they are found again', async () => {
    const leak = q('车库漏水');
    const before = await everyRow(org.tenantId, leak, null);
    expect(before.length).toBe(spread.length);
    await m.db.query(`UPDATE complaints SET search_vector = ts_delete(search_vector, tsvector_to_array(search_time_lexemes(tenant_id, received_at)))`);
    // Without them the spans find nothing (only what lies ahead of them, which needs none).
    expect((await search(org.tenantId, leak, 5, {}, 0)).length).toBeLessThan(2);
    const runner = m.db.createQueryRunner();
    try {
      await backfillSearchTimeLexemes(runner);
      await backfillSearchTimeLexemes(runner);
    } finally {
      await runner.release();
    }
    expect(await search(org.tenantId, leak, 5, {}, 0)).toEqual(before.slice(0, 5));
    expect(await search(org.tenantId, leak, null, {}, 0)).toEqual(before);
  });

  it('finds nothing for a tenant with no complaints', async () => {
    const stranger = randomUUID();
    expect(await search(stranger, q('电梯'), 10)).toEqual([]);
  });
});
