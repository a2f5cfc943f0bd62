import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';

const PAGE = `query($after: String, $first: Int, $filter: ComplaintFilter) {
  complaints(first: $first, after: $after, filter: $filter) { totalCount edges { cursor node { id branch { id } status } } pageInfo { hasNextPage endCursor } }
}`;

type Page = { totalCount: number; edges: { cursor: string; node: { id: string; branch: { id: string }; status: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

describe('the complaint list: keyset pages and totalCount', () => {
  let stack: Stack;
  let a: Group;
  let b: Group;

  beforeAll(async () => {
    stack = await Stack.start('complaint-list');
    a = await provisionGroup(stack, 'List Group A', 'pm-branch', 'LA01');
    b = await provisionGroup(stack, 'List Group B', 'pm-branch', 'LB01');
  });
  afterAll(() => stack?.stop());

  const page = async (token: string, vars: Record<string, unknown>): Promise<Page> => (await stack.ok(PAGE, vars, token)).complaints as Page;
  const submit = async (g: Group, branchId: string, key: string, minutesAgo: number, description: string): Promise<string> =>
    (await stack.ok(SUBMIT, { input: complaintInput(branchId, key, { receivedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(), description }) }, g.tokens.headOffice)).submitComplaint.id;

  it('pages neither repeat nor skip a complaint when new ones arrive between pages, and filters still apply', async () => {
    const older: string[] = [];
    for (let i = 0; i < 5; i++) older.push(await submit(a, i % 2 ? a.otherBranchId : a.branchId, `keyset-${i}`, 30 - i, `Keyset case ${i}`));
    const filter = { text: 'Keyset case' };
    const first = await page(a.tokens.headOffice, { first: 2, filter });
    expect(first.totalCount).toBe(5);
    // Two newer complaints arrive (one received now, one back-dated between the pages' positions).
    const newer = await submit(a, a.branchId, 'keyset-new', 0, 'Keyset case new');
    const between = await submit(a, a.branchId, 'keyset-between', 27.5, 'Keyset case between');
    const seen = first.edges.map((e) => e.node.id);
    let after = first.pageInfo.endCursor;
    let totals: number[] = [];
    while (after) {
      const next = await page(a.tokens.headOffice, { first: 2, after, filter });
      seen.push(...next.edges.map((e) => e.node.id));
      totals.push(next.totalCount);
      after = next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null;
    }
    // Newest first from where the first page ended: the newest arrival is before the cursor (not
    // repeated, nothing pushed off), the back-dated one falls in its place among the older ones.
    expect(seen).toEqual([older[4], older[3], between, older[2], older[1], older[0]]);
    expect(seen).not.toContain(newer);
    expect(new Set(seen).size).toBe(seen.length);
    // totalCount is exact while small: the arrivals count at once.
    expect(totals.every((t) => t === 7)).toBe(true);

    // A filter narrows every page, the cursor's too.
    const branchOnly: string[] = [];
    let cursor: string | null = null;
    do {
      const p: Page = await page(a.tokens.headOffice, { first: 1, after: cursor, filter: { ...filter, branchId: a.otherBranchId } });
      expect(p.totalCount).toBe(2);
      for (const e of p.edges) expect(e.node.branch.id).toBe(a.otherBranchId);
      branchOnly.push(...p.edges.map((e) => e.node.id));
      cursor = p.pageInfo.hasNextPage ? p.pageInfo.endCursor : null;
    } while (cursor);
    expect(branchOnly).toEqual([older[3], older[1]]);
    // The branch manager of the other branch pages through their own reach only.
    const theirs = await page(a.tokens.otherBranchManager, { first: 10, filter });
    expect(theirs.edges.map((e) => e.node.id)).toEqual([older[3], older[1]]);
    expect(theirs.totalCount).toBe(2);
  });

  it('refuses another tenant\'s cursor and a forged one as BAD_USER_INPUT naming after', async () => {
    await submit(b, b.branchId, 'b-1', 5, 'Tenant B case 1');
    await submit(b, b.branchId, 'b-2', 4, 'Tenant B case 2');
    const theirs = await page(b.tokens.headOffice, { first: 1 });
    expect(theirs.pageInfo.hasNextPage).toBe(true);
    const mine = await page(a.tokens.headOffice, { first: 1 });
    const good = mine.pageInfo.endCursor as string;
    const [body, tag] = good.split('.');
    const decoded = Buffer.from(body, 'base64url').toString('utf8');
    const forgedBody = Buffer.from(decoded.replace(/\|[0-9a-f-]{36}$/, '|00000000-0000-4000-8000-000000000000')).toString('base64url');
    const legacy = Buffer.from(JSON.stringify([new Date().toISOString(), '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    for (const after of [theirs.pageInfo.endCursor, `${forgedBody}.${tag}`, `${body}.${tag.slice(0, -2)}AA`, legacy, 'not-a-cursor', `${body}.${tag}.x`]) {
      const r = await stack.gql(PAGE, { first: 5, after }, a.tokens.headOffice);
      expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0].extensions.fields?.[0].field).toBe('after');
      expect(r.data?.complaints ?? null).toBeNull();
    }
    // The same cursor is good for its own tenant, on myQueue's pages too.
    expect((await stack.gql(PAGE, { first: 5, after: good }, a.tokens.headOffice)).errors).toBeUndefined();
    const queue = await stack.gql(`query($after: String) { myQueue(first: 5, after: $after) { totalCount } }`, { after: theirs.pageInfo.endCursor }, a.tokens.headOffice);
    expect(queue.errors?.[0].extensions.fields?.[0].field).toBe('after');
  });

  it('counts exactly up to 1,000 matching complaints, and above that answers a count made at most a minute before', async () => {
    const seed = await submit(a, a.branchId, 'bulk-seed', 60, 'Bulk case seed');
    // 1,100 more complaints of the group written straight into the read model (as a large tenant's history would be),
    // with their search vectors (for Latin letters and digits PostgreSQL's simple parser gives the lexemes the worker writes).
    const copy = async (from: number, to: number, marker: string): Promise<void> => {
      await stack.db.query(`
        INSERT INTO complaints
        SELECT (jsonb_populate_record(NULL::complaints, to_jsonb(c) || jsonb_build_object(
          'id', gen_random_uuid(), 'reference', c.reference || '-' || g, 'idempotency_key', $3 || g, 'workflow_id', c.workflow_id || '-' || $3 || g,
          'received_at', c.received_at - g * interval '1 second', 'description', $4 || ' ' || g,
          'search_vector', to_tsvector('simple', $4 || ' ' || g)))).*
        FROM complaints c, generate_series($1::int, $2::int) g WHERE c.id = $5`, [from, to, `bulk-${marker}-`, 'Bulk case', seed]);
    };
    await copy(1, 999, 'a');
    const small = await page(a.tokens.headOffice, { first: 3, filter: { text: 'Bulk case' } });
    expect(small.totalCount).toBe(1000);
    await copy(1000, 1100, 'b');
    const large = await page(a.tokens.headOffice, { first: 3, filter: { text: 'Bulk case' } });
    expect(large.totalCount).toBe(1101);
    // More arrive: within the minute a count made in that minute is answered (the documented lag: the
    // one made before, or, when the search read every match anyway, today's), never an inexact small one.
    await copy(1101, 1110, 'c');
    const again = await page(a.tokens.headOffice, { first: 3, after: large.pageInfo.endCursor, filter: { text: 'Bulk case' } });
    expect([1101, 1111]).toContain(again.totalCount);
    // A narrower filter below the threshold is exact at once.
    const narrow = await page(a.tokens.headOffice, { first: 3, filter: { text: 'Bulk case 110' } });
    expect(narrow.totalCount).toBe(1); // "Bulk case 110": a short number matches whole, not "… 1100"
    // Every page of the large set is still complete and ordered.
    expect(large.edges.map((e) => e.node.id)[0]).toBe(seed);
  });
});
