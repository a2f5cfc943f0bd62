/**
 * Chinese text, for real: the labelled evaluation set (test/fixtures/text-eval, 355 complaints of
 * three estates) taken in through the API, then searched, matched and classified through it —
 * text search, same-matter candidates by meaning, category suggestions before and after the
 * group's classifier is trained on its confirmed complaints, and the group's own search terms.
 * The figures are printed; the test fails below the floors set from the first measurement.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isHeldOut } from '../libs/text/src/category-classifier';
import { Group, provisionGroup } from './support/fixtures';
import { Stack, eventually } from './support/stack';

interface EvalComplaint {
  id: string; branch: 'A' | 'B' | 'C'; day: number; category: string; kind: string;
  description: string; demand: string | null; location: string | null; unit: string | null; complainant: string; matter: string | null;
}
const EVAL: EvalComplaint[] = JSON.parse(readFileSync(join(__dirname, 'fixtures/text-eval/complaints.json'), 'utf8'));

// Floors, set from the first measurement on this set (measured: see the README's "Chinese text").
// The held-out fifth is chosen by complaint id, and ids differ from run to run: the trained floor
// leaves room for that (1,300 random splits of this set offline: mean 0.88, 5th percentile 0.81,
// lowest 0.76; see the README).
const FLOOR = { precisionAt3OfReachable: 0.84, lexiconAccuracy: 0.8, trainedAccuracy: 0.7 };

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id reference } }`;
const DISPATCH = `mutation($id: ID!, $a: ID!, $r: String) { dispatchComplaint(id: $id, assigneeId: $a, requestId: $r) { id status } }`;
const SEARCH = `query($text: String, $first: Int, $after: String, $branch: ID) {
  complaints(first: $first, after: $after, filter: { text: $text, branchId: $branch }) { totalCount pageInfo { hasNextPage endCursor } edges { node { id reference description } } } }`;
const CANDIDATES = `query($id: ID!) { complaint(id: $id) { sameMatterCandidates(first: 3) { score reason complaint { id } } } }`;
const SUGGEST = `query($t: String!) { suggestCategory(text: $t) { category confidence } }`;
const SUGGESTED = `query($id: ID!) { complaint(id: $id) { suggestedCategory { category confidence } } }`;
const RETRAIN = `mutation($r: String) { retrainCategoryModel(requestId: $r) { version trainedOn heldOut accuracy perCategory { category samples correct accuracy } } }`;
const DAY = 24 * 3600_000;

const textOf = (e: Pick<EvalComplaint, 'description' | 'demand' | 'location'>): string => [e.description, e.demand, e.location].filter(Boolean).join('\n');

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

describe('Chinese text: search, same-matter candidates and category suggestions on the evaluation set', () => {
  let stack: Stack;
  let g: Group;
  let other: Group;
  let branchC: string;
  let handlers: Record<EvalComplaint['branch'], string>;
  const ids = new Map<string, string>(); // evaluation id → complaint id
  const refs = new Map<string, string>();
  const base = Date.now() - 70 * DAY;

  beforeAll(async () => {
    stack = await Stack.start('text_eval');
    g = await provisionGroup(stack, 'Text Group', 'pm-branch', 'TX01');
    other = await provisionGroup(stack, 'Other Group', 'pm-branch', 'TX02');
    branchC = (await stack.ok(`mutation($c: ID!) { createBranch(companyId: $c, code: "TX01C", name: "Lakeside Estate") { id } }`, { c: g.companyId }, g.tokens.headOffice)).createBranch.id;
    const branchOf = { A: g.branchId, B: g.otherBranchId, C: branchC };
    const handler = async (b: string): Promise<string> => (await stack.ok(`mutation($r: [RoleAssignmentInput!]!) { createUser(name: "维修员", roles: $r) { id } }`,
      { r: [{ role: 'HANDLER', branchId: b }] }, g.tokens.headOffice)).createUser.id;
    handlers = { A: g.handler, B: await handler(g.otherBranchId), C: await handler(branchC) };
    await pool(EVAL, 4, async (e) => {
      const input = {
        idempotencyKey: `eval-${e.id}`, branchId: branchOf[e.branch], channel: 'PHONE', kind: e.kind, category: e.category,
        description: e.description, demand: e.demand, location: e.location,
        complainant: { name: e.complainant, phone: null, unit: e.unit },
        receivedAt: new Date(base + e.day * DAY + Number(e.id.slice(1)) * 60_000).toISOString(),
      };
      const c = (await stack.ok(SUBMIT, { input }, g.tokens.headOffice)).submitComplaint;
      ids.set(e.id, c.id);
      refs.set(e.id, c.reference);
    });
    // Another group's complaint in the same words: never in this group's results.
    await stack.ok(SUBMIT, { input: {
      idempotencyKey: 'other-lift', branchId: other.branchId, channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT',
      description: '3栋电梯又坏了，老人上不了楼', complainant: { name: '外人', phone: null, unit: '3-101' },
    } }, other.tokens.headOffice);
  }, 600_000);
  afterAll(() => stack?.stop());

  const search = async (text: string, first = 20, after?: string, token = g.tokens.headOffice) =>
    (await stack.ok(SEARCH, { text, first, after }, token)).complaints;

  it('searches by words and synonyms: 电梯坏了 finds 电梯故障, and everything a substring search found', async () => {
    const r = await search('电梯坏了', 100);
    const found = new Set(r.edges.map((e: { node: { id: string } }) => e.node.id));
    const bySubstring: { id: string }[] = await stack.db.query(
      `SELECT id FROM complaints WHERE tenant_id = $1 AND (description ILIKE '%电梯坏了%' OR demand ILIKE '%电梯坏了%' OR location ILIKE '%电梯坏了%')`, [g.tenantId]);
    for (const row of bySubstring) expect(found).toContain(row.id);
    const byMeaning = r.edges.filter((e: { node: { description: string } }) => /电梯.*(故障|失灵|停运)/.test(e.node.description) && !e.node.description.includes('坏了'));
    expect(byMeaning.length).toBeGreaterThan(0);
    expect(r.totalCount).toBeGreaterThan(bySubstring.length);
    expect(r.edges.every((e: { node: { description: string } }) => e.node.description !== '3栋电梯又坏了，老人上不了楼')).toBe(true);
  });

  it('finds a complaint by its reference typed whole, first; and by a piece of the reference number', async () => {
    const ref = refs.get('E100') as string;
    const r = await search(ref.toLowerCase());
    expect(r.edges[0].node.reference).toBe(ref);
    const tail = ref.split('-')[2];
    expect((await search(tail)).edges.map((e: { node: { reference: string } }) => e.node.reference)).toContain(ref);
  });

  it('pages through a ranked search without repeating or losing a complaint, and refuses another search\'s cursor', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let total = 0;
    for (let page = 0; page < 50; page += 1) {
      const r = await search('漏水', 7, after);
      total = r.totalCount;
      seen.push(...r.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!r.pageInfo.hasNextPage) break;
      after = r.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total);
    expect(total).toBeGreaterThan(7);
    const first = await search('漏水', 3);
    const wrong = await stack.gql(SEARCH, { text: '电梯', first: 3, after: first.pageInfo.endCursor }, g.tokens.headOffice);
    expect(wrong.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(wrong.errors?.[0].extensions.fields?.[0].field).toBe('after');
  });

  it('searches within the caller\'s reach: a branch manager finds every match of the branch, as the head office filtering by it does', async () => {
    const ids = (r: { edges: { node: { id: string } }[] }): string[] => r.edges.map((e) => e.node.id).sort();
    const mine = await search('漏水', 100, undefined, g.tokens.branchManager);
    const filtered = (await stack.ok(SEARCH, { text: '漏水', first: 100, branch: g.branchId }, g.tokens.headOffice)).complaints;
    expect(mine.totalCount).toBeGreaterThan(0);
    expect(ids(mine)).toEqual(ids(filtered));
    expect(mine.totalCount).toBe(filtered.totalCount);
    // Every match of the branch in the whole group's results, and nothing of another branch.
    const all = await search('漏水', 100);
    const branches: { id: string; branch_id: string }[] = await stack.db.query(`SELECT id, branch_id FROM complaints WHERE id = ANY($1::uuid[])`, [ids(all)]);
    expect(branches.filter((b) => b.branch_id === g.branchId).map((b) => b.id).sort()).toEqual(ids(mine));
    expect(all.totalCount).toBeGreaterThan(mine.totalCount);
    const theirs = await search('漏水', 100, undefined, g.tokens.otherBranchManager);
    expect(ids(theirs).filter((id) => ids(mine).includes(id))).toEqual([]);
  });

  it('takes hostile search text as text, and names the field when it is too long', async () => {
    for (const text of ["'", "a' | 'b", '&|!:*()<->', '\\', '！！！', "电梯' & !'漏水"]) {
      const r = await stack.gql(SEARCH, { text, first: 5 }, g.tokens.headOffice);
      expect(r.errors).toBeUndefined();
    }
    const long = await stack.gql(SEARCH, { text: '电'.repeat(201), first: 5 }, g.tokens.headOffice);
    expect(long.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(long.errors?.[0].extensions.fields?.[0].field).toBe('filter.text');
    // Another group's search sees only its own complaint.
    const theirs = await search('电梯坏了', 20, undefined, other.tokens.headOffice);
    expect(theirs.totalCount).toBe(1);
  });

  it('ranks same-matter candidates by meaning: precision of the top 3 over every complaint of a marked matter', async () => {
    const groups = EVAL.filter((e) => e.matter);
    let hits = 0;
    let reachable = 0;
    let top1 = 0;
    await pool(groups, 4, async (e) => {
      const list: { complaint: { id: string }; reason: string }[] = (await stack.ok(CANDIDATES, { id: ids.get(e.id) }, g.tokens.headOffice)).complaint.sameMatterCandidates;
      const mates = new Set(EVAL.filter((x) => x.matter === e.matter && x.id !== e.id).map((x) => ids.get(x.id)));
      const good = list.filter((c) => mates.has(c.complaint.id)).length;
      hits += good;
      reachable += Math.min(3, mates.size);
      if (list[0] && mates.has(list[0].complaint.id)) top1 += 1;
      for (const c of list) expect(c.reason).toMatch(/\d+ % similar description$/);
    });
    const figures = { queries: groups.length, precisionAt3: hits / (3 * groups.length), precisionAt3OfReachable: hits / reachable, top1: top1 / groups.length };
    console.log(`same-matter candidates: ${JSON.stringify(figures)}`);
    expect(figures.precisionAt3OfReachable).toBeGreaterThanOrEqual(FLOOR.precisionAt3OfReachable);
  });

  it('suggests categories from the lexicon before any training, then learns the group\'s own complaints; another group is untouched', async () => {
    const rightByLexicon = new Set<string>();
    const accuracy = async (items: readonly EvalComplaint[], token: string, record?: Set<string>): Promise<{ overall: number; byCategory: Record<string, string> }> => {
      let right = 0;
      const by: Record<string, [number, number]> = {};
      await pool(items, 4, async (e) => {
        const [best] = (await stack.ok(SUGGEST, { t: textOf(e) }, token)).suggestCategory;
        by[e.category] ??= [0, 0];
        by[e.category][1] += 1;
        if (best?.category === e.category) {
          record?.add(e.id);
          right += 1;
          by[e.category][0] += 1;
        }
      });
      return { overall: right / items.length, byCategory: Object.fromEntries(Object.entries(by).map(([c, [r, n]]) => [c, `${r}/${n}`])) };
    };
    const lexicon = await accuracy(EVAL, g.tokens.headOffice, rightByLexicon);
    console.log(`category suggestion, lexicon only (all ${EVAL.length}): ${JSON.stringify(lexicon)}`);
    expect(lexicon.overall).toBeGreaterThanOrEqual(FLOOR.lexiconAccuracy);
    const otherBefore = (await stack.ok(SUGGEST, { t: '小区门口的公交站撤了' }, other.tokens.headOffice)).suggestCategory;

    // Staff confirm the categories by dispatching; then the group's classifier is trained now (the schedule does it nightly).
    await pool(EVAL, 4, async (e) => {
      await stack.ok(DISPATCH, { id: ids.get(e.id), a: handlers[e.branch], r: `confirm-${e.id}` }, g.tokens.headOffice);
    });
    const trained = (await stack.ok(RETRAIN, { r: 'eval-training' }, g.tokens.headOffice)).retrainCategoryModel;
    console.log(`category classifier trained: ${JSON.stringify(trained)}`);
    expect(trained.trainedOn + trained.heldOut).toBe(EVAL.length);
    expect(trained.accuracy).toBeGreaterThanOrEqual(FLOOR.trainedAccuracy);
    // The same held-out complaints through the API give the accuracy the training reported.
    const heldOut = EVAL.filter((e) => isHeldOut(ids.get(e.id) as string));
    expect(heldOut.length).toBe(trained.heldOut);
    const after = await eventually(async () => {
      const a = await accuracy(heldOut, g.tokens.headOffice);
      return Math.abs(a.overall - trained.accuracy) < 1e-9 ? a : undefined;
    }, 45_000, 2_000);
    const lexiconOnHeldOut = heldOut.filter((e) => rightByLexicon.has(e.id)).length / heldOut.length;
    console.log(`category suggestion, trained (held out ${heldOut.length}): ${JSON.stringify(after)}; the lexicon alone on the same: ${lexiconOnHeldOut}`);
    const suggested = (await stack.ok(SUGGESTED, { id: ids.get(heldOut[0].id) }, g.tokens.headOffice)).complaint.suggestedCategory;
    expect(suggested.confidence).toBeGreaterThan(0);
    expect((await stack.ok(SUGGEST, { t: '小区门口的公交站撤了' }, other.tokens.headOffice)).suggestCategory).toEqual(otherBefore);
  });

  it('keeps the group\'s own search terms: head office only, bounded, used when complaints are segmented', async () => {
    const SET = `mutation($t: [String!]!) { setTextTerms(terms: $t) { terms } }`;
    expect((await stack.gql(SET, { t: ['翠湖苑'] }, g.tokens.dispatcher)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    const tooMany = await stack.gql(SET, { t: Array.from({ length: 201 }, (_, i) => `词${i}`) }, g.tokens.headOffice);
    expect(tooMany.errors?.[0].extensions.fields?.[0].field).toBe('terms');
    const bad = await stack.gql(SET, { t: ["翠湖' | '"] }, g.tokens.headOffice);
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await stack.ok(SET, { t: ['翠湖苑', '蓝湾'] }, g.tokens.headOffice)).setTextTerms.terms).toEqual(['翠湖苑', '蓝湾']);
    expect((await stack.ok(`{ textTerms }`, {}, other.tokens.headOffice)).textTerms).toEqual([]);
    const c = (await stack.ok(SUBMIT, { input: {
      idempotencyKey: 'term-1', branchId: g.branchId, channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT',
      description: '翠湖苑北门道闸坏了', complainant: { name: '周先生', phone: null, unit: null },
    } }, g.tokens.headOffice)).submitComplaint;
    const [row]: { v: string }[] = await stack.db.query(`SELECT search_vector::text AS v FROM complaints WHERE id = $1`, [c.id]);
    expect(row.v).toContain("'翠湖苑'");
    expect((await search('翠湖苑')).edges.map((e: { node: { id: string } }) => e.node.id)).toContain(c.id);
  });
});
