import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually } from './support/stack';

// Merge (same matter, same complainant) and hand-over (首问责任制) through the API, on the real
// gateway, worker, Temporal and PostgreSQL.

const FIELDS = `${COMPLAINT_FIELDS} owner { id } mergedInto { id reference status }`;
const MERGE = `mutation($id: ID!, $into: ID!, $r: String) { mergeComplaint(id: $id, intoId: $into, reason: "Same leak, same flat", requestId: $r) { ${FIELDS} } }`;
const HAND_OVER = `mutation($id: ID!, $to: ID!, $note: String!, $r: String) { handOver(id: $id, toUserId: $to, note: $note, requestId: $r) { ${FIELDS} } }`;
const GET = `query($id: ID!) { complaint(id: $id) { ${FIELDS} } }`;
const QUEUE = `query { myQueue(first: 100) { edges { node { id } } } }`;

type Event = { type: string; actor: string | null; data: Record<string, unknown> };

describe('merge and hand-over', () => {
  let stack: Stack;
  let g: Group;
  let n = 0;

  beforeAll(async () => {
    stack = await Stack.start('merge_hand_over');
    g = await provisionGroup(stack, 'Merge Group');
  });
  afterAll(() => stack?.stop());

  const submit = async (extra: Record<string, unknown> = {}, branchId = g.branchId, token = g.tokens.dispatcher) =>
    (await stack.ok(SUBMIT, { input: complaintInput(branchId, `mh-${++n}`, extra) }, token)).submitComplaint as { id: string; reference: string };
  const get = async (id: string, token = g.tokens.headOffice) => (await stack.ok(GET, { id }, token)).complaint;
  const events = async (id: string, type: string): Promise<Event[]> => ((await get(id)).timeline as Event[]).filter((e) => e.type === type);
  const queue = async (token: string): Promise<string[]> => (await stack.ok(QUEUE, {}, token)).myQueue.edges.map((e: { node: { id: string } }) => e.node.id);
  const refusal = async (query: string, vars: Record<string, unknown>, token: string) => {
    const r = await stack.gql(query, vars, token);
    return { code: r.errors?.[0]?.extensions.code, fields: r.errors?.[0]?.extensions.fields?.map((f: { field: string }) => f.field) };
  };

  it('merges a complaint into another of the same complainant: both timelines, mergedInto, once per requestId', async () => {
    const survivor = await submit();
    const merged = await submit();
    await stack.ok(`mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a) { id } }`, { id: merged.id, a: g.handler }, g.tokens.dispatcher);

    const first = (await stack.ok(MERGE, { id: merged.id, into: survivor.id, r: 'merge-1' }, g.tokens.dispatcher)).mergeComplaint;
    expect(first.status).toBe('MERGED');
    expect(first.mergedInto).toEqual({ id: survivor.id, reference: survivor.reference, status: 'RECEIVED' });
    // Its clocks stopped with it: neither met nor breached (and below: not overdue).
    expect(first.deadlines.filter((d: { metAt: string | null; breachedAt: string | null }) => !d.metAt && !d.breachedAt).length).toBeGreaterThan(0);
    const again = (await stack.ok(MERGE, { id: merged.id, into: survivor.id, r: 'merge-1' }, g.tokens.dispatcher)).mergeComplaint;
    expect(again.status).toBe('MERGED');
    expect(again.timeline.length).toBe(first.timeline.length);

    const mergedInto = await events(merged.id, 'MERGED_INTO');
    expect(mergedInto).toEqual([expect.objectContaining({
      actor: g.dispatcher, data: expect.objectContaining({ intoId: survivor.id, intoReference: survivor.reference, reason: 'Same leak, same flat' }),
    })]);
    await eventually(async () => {
      const received = await events(survivor.id, 'MERGE_RECEIVED');
      expect(received).toEqual([expect.objectContaining({
        actor: g.dispatcher, data: expect.objectContaining({ fromId: merged.id, fromReference: merged.reference }),
      })]);
      return true;
    });
    expect((await stack.ok(`query($s: [ComplaintStatus!]) { complaints(filter: { status: $s, overdue: true }) { totalCount } }`, { s: ['MERGED'] }, g.tokens.headOffice))
      .complaints.totalCount).toBe(0);
    // Nothing more happens to it, and nothing is merged into a merged complaint.
    const other = await submit();
    expect(await refusal(MERGE, { id: other.id, into: merged.id }, g.tokens.dispatcher)).toEqual({ code: 'BAD_USER_INPUT', fields: ['intoId'] });
    expect((await events(survivor.id, 'MERGE_RECEIVED'))).toHaveLength(1);
  });

  it('refuses a merge across branches, of another complainant, or into itself, naming intoId', async () => {
    const here = await submit();
    const elsewhere = await submit({}, g.otherBranchId, g.tokens.headOffice);
    expect(await refusal(MERGE, { id: here.id, into: elsewhere.id }, g.tokens.headOffice)).toEqual({ code: 'BAD_USER_INPUT', fields: ['intoId'] });
    const stranger = await submit({ complainant: { name: '李先生', phone: '13900139000', unit: '5-0801' } });
    expect(await refusal(MERGE, { id: here.id, into: stranger.id }, g.tokens.dispatcher)).toEqual({ code: 'BAD_USER_INPUT', fields: ['intoId'] });
    expect(await refusal(MERGE, { id: here.id, into: here.id }, g.tokens.dispatcher)).toEqual({ code: 'BAD_USER_INPUT', fields: ['intoId'] });
    // Same name and unit, no phone: the same complainant.
    const samePerson = await submit({ complainant: { name: '张女士', unit: '3-1202' } });
    expect((await stack.ok(MERGE, { id: samePerson.id, into: here.id }, g.tokens.dispatcher)).mergeComplaint.status).toBe('MERGED');
    expect((await get(here.id)).status).toBe('RECEIVED');
    expect((await get(elsewhere.id)).status).toBe('RECEIVED');
  });

  it('merges A into B and B into A sent at the same moment: one applies, the other is refused, one complaint stays open', async () => {
    for (let round = 0; round < 3; round++) {
      const x = await submit();
      const y = await submit();
      const [one, two] = await Promise.all([
        stack.gql(MERGE, { id: x.id, into: y.id }, g.tokens.dispatcher),
        stack.gql(MERGE, { id: y.id, into: x.id }, g.tokens.branchManager),
      ]);
      const applied = [one, two].filter((r) => !r.errors);
      expect(applied).toHaveLength(1);
      expect([one, two].find((r) => r.errors)?.errors?.[0].extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
      const statuses = [(await get(x.id)).status, (await get(y.id)).status].sort();
      expect(statuses).toEqual(['MERGED', 'RECEIVED']);
    }
  });

  it('hands over to a handler: owner changes, myQueue follows, the first contact stays, the new owner sees and acts', async () => {
    const c = await submit();
    expect(await queue(g.tokens.dispatcher)).toContain(c.id);
    expect(await queue(g.tokens.handler)).not.toContain(c.id);
    // Not dispatched to the handler: out of their sight.
    expect((await stack.gql(GET, { id: c.id }, g.tokens.handler)).errors?.[0].extensions.code).toBe('NOT_FOUND');

    const handed = (await stack.ok(HAND_OVER, { id: c.id, to: g.handler, note: 'Wang knows the building', r: 'ho-1' }, g.tokens.dispatcher)).handOver;
    expect(handed.owner.id).toBe(g.handler);
    expect(handed.firstContactOwner.id).toBe(g.dispatcher);
    const again = (await stack.ok(HAND_OVER, { id: c.id, to: g.handler, note: 'Wang knows the building', r: 'ho-1' }, g.tokens.dispatcher)).handOver;
    expect(again.owner.id).toBe(g.handler);
    expect(await events(c.id, 'HANDED_OVER')).toEqual([expect.objectContaining({
      actor: g.dispatcher, data: expect.objectContaining({ fromUserId: g.dispatcher, toUserId: g.handler, note: 'Wang knows the building' }),
    })]);

    expect(await queue(g.tokens.handler)).toContain(c.id);
    expect(await queue(g.tokens.dispatcher)).not.toContain(c.id);
    const seen = await get(c.id, g.tokens.handler);
    expect(seen).toMatchObject({ id: c.id, owner: { id: g.handler }, firstContactOwner: { id: g.dispatcher } });

    // The handler follows it through, and may hand it on to the branch manager.
    const onward = (await stack.ok(HAND_OVER, { id: c.id, to: g.branchManager, note: 'Needs the manager' }, g.tokens.handler)).handOver;
    expect(onward.owner.id).toBe(g.branchManager);
    expect(onward.firstContactOwner.id).toBe(g.dispatcher);
    expect(await queue(g.tokens.branchManager)).toContain(c.id);
    expect(await queue(g.tokens.handler)).not.toContain(c.id);
  });

  it('refuses a hand-over to someone who does not work in the branch, naming toUserId', async () => {
    const c = await submit();
    expect(await refusal(HAND_OVER, { id: c.id, to: g.otherBranchManager, note: 'over to you' }, g.tokens.dispatcher))
      .toEqual({ code: 'BAD_USER_INPUT', fields: ['toUserId'] });
    expect(await refusal(HAND_OVER, { id: c.id, to: '7d1e4b2a-9c3f-4e8d-a215-000000000bad', note: 'over to you' }, g.tokens.dispatcher))
      .toEqual({ code: 'BAD_USER_INPUT', fields: ['toUserId'] });
    expect(await refusal(HAND_OVER, { id: c.id, to: g.dispatcher, note: 'me again' }, g.tokens.dispatcher))
      .toEqual({ code: 'BAD_USER_INPUT', fields: ['toUserId'] });
    // Another branch's manager cannot even see it.
    expect((await refusal(HAND_OVER, { id: c.id, to: g.handler, note: 'x' }, g.tokens.otherBranchManager)).code).toBe('NOT_FOUND');
    expect((await get(c.id)).owner.id).toBe(g.dispatcher);
  });
});
