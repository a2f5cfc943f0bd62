import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup, withoutMessageOutcomes } from './support/fixtures';
import { gatewayProcess } from './support/gateway-process';
import { Stack, eventually } from './support/stack';

const FOLLOW_UP = `mutation($id: ID!, $note: String!, $r: String) {
  recordFollowUp(id: $id, note: $note, customerInformed: false, requestId: $r) { ${COMPLAINT_FIELDS} }
}`;
const WITHDRAW = `mutation($id: ID!, $r: String) { withdrawComplaint(id: $id, reason: "Resolved by the owner", requestId: $r) { ${COMPLAINT_FIELDS} } }`;

type Event = { type: string; data: Record<string, unknown> };

describe('exactly-once staff actions: the same requestId applies once', () => {
  let stack: Stack;
  let g: Group;
  let n = 0;

  beforeAll(async () => {
    stack = await Stack.start('exactly_once');
    g = await provisionGroup(stack, 'Retry Group');
  });
  afterAll(() => stack?.stop());

  const dispatched = async (): Promise<string> => {
    const c = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, `once-${++n}`) }, g.tokens.dispatcher)).submitComplaint;
    await stack.ok(`mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a) { id } }`, { id: c.id, a: g.handler }, g.tokens.dispatcher);
    return c.id;
  };
  const followUps = async (id: string): Promise<Event[]> => {
    const c = (await stack.ok(`query($id: ID!) { complaint(id: $id) { ${COMPLAINT_FIELDS} } }`, { id }, g.tokens.headOffice)).complaint;
    return (c.timeline as Event[]).filter((e) => e.type === 'FOLLOW_UP');
  };

  it('answers a repeated follow-up with the first outcome and records it once', async () => {
    const id = await dispatched();
    const first = (await stack.ok(FOLLOW_UP, { id, note: 'Called the owner', r: 'req-1' }, g.tokens.handler)).recordFollowUp;
    // The same key again, even with other values: the first outcome, nothing applied.
    const again = (await stack.ok(FOLLOW_UP, { id, note: 'Called the owner (retry)', r: 'req-1' }, g.tokens.handler)).recordFollowUp;
    expect(withoutMessageOutcomes(again).timeline.length).toBe(withoutMessageOutcomes(first).timeline.length);
    expect((await followUps(id)).map((e) => e.data.note)).toEqual(['Called the owner']);
    // A new key is a new action.
    await stack.ok(FOLLOW_UP, { id, note: 'Second call', r: 'req-2' }, g.tokens.handler);
    expect((await followUps(id)).map((e) => e.data.note)).toEqual(['Called the owner', 'Second call']);
    // Without a key, every request is its own action.
    await stack.ok(FOLLOW_UP, { id, note: 'Third call' }, g.tokens.handler);
    await stack.ok(FOLLOW_UP, { id, note: 'Third call' }, g.tokens.handler);
    expect(await followUps(id)).toHaveLength(4);
  });

  it('applies once when the same key arrives concurrently', async () => {
    const id = await dispatched();
    const answers = await Promise.all(Array.from({ length: 6 }, () => stack.gql(FOLLOW_UP, { id, note: 'Engineer booked', r: 'burst' }, g.tokens.handler)));
    expect(answers.map((a) => a.errors?.[0]?.extensions.code ?? 'OK')).toEqual(Array(6).fill('OK'));
    expect(await followUps(id)).toHaveLength(1);
  });

  it('keeps keys apart per complaint: one key on two complaints is two actions', async () => {
    const a = await dispatched();
    const b = await dispatched();
    await stack.ok(FOLLOW_UP, { id: a, note: 'Same key', r: 'shared-key' }, g.tokens.handler);
    await stack.ok(FOLLOW_UP, { id: b, note: 'Same key', r: 'shared-key' }, g.tokens.handler);
    expect(await followUps(a)).toHaveLength(1);
    expect(await followUps(b)).toHaveLength(1);
  });

  it('answers a retried withdrawal with the withdrawn complaint, after its workflow has ended', async () => {
    const id = await dispatched();
    const first = (await stack.ok(WITHDRAW, { id, r: 'withdraw-1' }, g.tokens.dispatcher)).withdrawComplaint;
    expect(first.status).toBe('WITHDRAWN');
    // The workflow has completed: the retry is recognised from the timeline, not refused.
    await eventually(async () => {
      const again = await stack.gql(WITHDRAW, { id, r: 'withdraw-1' }, g.tokens.dispatcher);
      return again.data?.withdrawComplaint?.status === 'WITHDRAWN' ? true : undefined;
    });
    const other = await stack.gql(WITHDRAW, { id, r: 'withdraw-2' }, g.tokens.dispatcher);
    expect(other.errors?.[0].extensions.code).toBe('INVALID_TRANSITION');
  });

  it('applies once when the gateway is killed mid-request and the client retries elsewhere', async () => {
    const id = await dispatched();
    // No worker: the action reaches Temporal but cannot complete while the gateway is killed.
    await stack.stopWorker();
    const doomed = await gatewayProcess(stack);
    try {
      const inFlight = fetch(doomed.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${g.tokens.handler}` },
        body: JSON.stringify({ query: FOLLOW_UP, variables: { id, note: 'Owner informed', r: 'killed-gateway' } }),
      }).catch(() => 'connection lost');
      // Setup time for the request to reach the gateway and Temporal (not a timing assertion).
      await new Promise((r) => setTimeout(r, 1500));
      doomed.child.kill('SIGKILL');
      expect(await inFlight).toBe('connection lost');
    } finally {
      doomed.child.kill('SIGKILL');
    }
    await stack.startWorker();
    const retried = (await stack.ok(FOLLOW_UP, { id, note: 'Owner informed', r: 'killed-gateway' }, g.tokens.handler)).recordFollowUp;
    expect(retried.timeline.filter((e: Event) => e.type === 'FOLLOW_UP')).toHaveLength(1);
    // Whatever the first attempt left in Temporal has been applied by now, and still only once.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await followUps(id)).toHaveLength(1);
  });

  it('tells the client that a defect is INTERNAL with a correlation id, never "safe to retry", and applies nothing', async () => {
    const id = await dispatched();
    // A write the database refuses for good (as a schema defect would): the action cannot be recorded.
    await stack.db.query(`ALTER TABLE complaint_events ADD CONSTRAINT test_refuses_poison CHECK (data->>'note' IS DISTINCT FROM 'refused note')`);
    try {
      const r = await stack.gql(FOLLOW_UP, { id, note: 'refused note', r: 'defect' }, g.tokens.handler);
      expect(r.errors?.[0].extensions.code).toBe('INTERNAL');
      expect(r.errors?.[0].extensions.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.errors?.[0].message).not.toMatch(/safe to retry/);
      expect(r.errors?.[0].message).toContain(String(r.errors?.[0].extensions.correlationId));
    } finally {
      await stack.db.query(`ALTER TABLE complaint_events DROP CONSTRAINT test_refuses_poison`);
    }
    expect(await followUps(id)).toHaveLength(0);
    // The complaint still takes actions.
    await stack.ok(FOLLOW_UP, { id, note: 'Called the owner', r: 'after-defect' }, g.tokens.handler);
    expect(await followUps(id)).toHaveLength(1);
  });
});
