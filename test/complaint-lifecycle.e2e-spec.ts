import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup, withoutMessageOutcomes } from './support/fixtures';
import { Stack } from './support/stack';

const act = (mutation: string, args: string) => `mutation { ${mutation}(${args}) { ${COMPLAINT_FIELDS} } }`;

describe('a complaint carried through its whole lifecycle over GraphQL', () => {
  let stack: Stack;
  let g: Group;

  beforeAll(async () => {
    stack = await Stack.start('lifecycle');
    g = await provisionGroup(stack, 'Riverside Group');
  });
  afterAll(() => stack?.stop());

  it('goes intake → dispatch → acknowledge → resolve → callback → closed, every step on the timeline', async () => {
    const submitted = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'life-1') }, g.tokens.dispatcher)).submitComplaint;
    expect(submitted.status).toBe('RECEIVED');
    expect(submitted.reference).toMatch(new RegExp(`^${g.branchCode}-\\d{4}-000001$`));
    expect(submitted.round).toBe(1);
    expect(submitted.firstContactOwner.id).toBe(g.dispatcher);
    expect(submitted.complainant).toEqual({ name: '张女士', phone: '13800138000', unit: '3-1202' });
    const reply = submitted.deadlines.find((d: { kind: string }) => d.kind === 'CUSTOMER_REPLY');
    expect(reply).toBeDefined();
    // pm-branch: the customer hears back within 24 hours, calendar time.
    expect(Date.parse(reply.dueAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(submitted.timeline.slice(0, 2).map((e: { type: string }) => e.type)).toEqual(['RECEIVED', 'CLASSIFIED']);
    // Intake starts the intake clocks: forward, customer reply, resolution, whole process.
    const set = submitted.timeline.filter((e: { type: string }) => e.type === 'DEADLINE_SET').map((e: { data: { kind: string } }) => e.data.kind);
    expect(set).toEqual(['FORWARD', 'CUSTOMER_REPLY', 'RESOLUTION', 'WHOLE_PROCESS']);
    expect(submitted.deadlines.map((d: { kind: string }) => d.kind)).toEqual(set);

    const id = submitted.id;
    const dispatched = (await stack.ok(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}", note: "Please inspect the lift"`), {}, g.tokens.dispatcher)).dispatchComplaint;
    expect(dispatched.status).toBe('DISPATCHED');
    expect(dispatched.assignee.id).toBe(g.handler);

    const acked = (await stack.ok(act('acknowledgeComplaint', `id: "${id}"`), {}, g.tokens.handler)).acknowledgeComplaint;
    expect(acked.status).toBe('IN_PROGRESS');

    const followed = (await stack.ok(act('recordFollowUp', `id: "${id}", note: "Called Ms Zhang: engineer booked", customerInformed: true`), {}, g.tokens.handler)).recordFollowUp;
    const replyMet = followed.deadlines.find((d: { kind: string }) => d.kind === 'CUSTOMER_REPLY');
    expect(replyMet.metAt).not.toBeNull();
    expect(replyMet.breachedAt).toBeNull();

    const decided = (await stack.ok(act('determineValidity', `id: "${id}", validity: VALID, responsibility: RESPONSIBLE, reason: "Our maintenance contract"`), {}, g.tokens.dispatcher)).determineValidity;
    expect(decided.validity).toBe('VALID');
    expect(decided.responsibility).toBe('RESPONSIBLE');

    const resolved = (await stack.ok(act('resolveComplaint', `id: "${id}", resolution: "Lift motor replaced", customerSigned: true`), {}, g.tokens.handler)).resolveComplaint;
    expect(resolved.status).toBe('CALLBACK_PENDING');
    const callbackDeadline = resolved.deadlines.find((d: { kind: string }) => d.kind === 'CALLBACK');
    // pm-branch: callback within 2 days of resolution.
    expect(Date.parse(callbackDeadline.dueAt) - Date.now()).toBeGreaterThan(47.9 * 3600_000);

    const called = (await stack.ok(act('recordCallback', `id: "${id}", method: PHONE, satisfied: true, comment: "Works now"`), {}, g.tokens.dispatcher)).recordCallback;
    expect(called.satisfied).toBe(true);
    expect(['ANALYSIS_PENDING', 'CLOSED']).toContain(called.status);

    const closed = await waitForStatus(stack, g.tokens.headOffice, id, 'CLOSED');
    const types = closed.timeline.map((e: { type: string }) => e.type);
    for (const t of ['RECEIVED', 'CLASSIFIED', 'DISPATCHED', 'ACKNOWLEDGED', 'FOLLOW_UP', 'VALIDITY_DETERMINED', 'RESOLVED', 'CALLBACK_PENDING', 'CALLBACK', 'ANALYSIS_PENDING', 'ANALYSED', 'CLOSED']) {
      expect(types).toContain(t);
    }
    // Sequence numbers are gapless and each appears once: no event lost or duplicated.
    expect(closed.timeline.map((e: { seq: number }) => e.seq)).toEqual(closed.timeline.map((_: unknown, i: number) => i + 1));
    const dispatchEvent = closed.timeline.find((e: { type: string }) => e.type === 'DISPATCHED');
    expect(dispatchEvent.actor).toBe(g.dispatcher);
  });

  it('reopens on an unsatisfied callback as a new round with the same assignee', async () => {
    const { id } = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'life-reopen') }, g.tokens.dispatcher)).submitComplaint;
    await stack.ok(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);
    await stack.ok(act('acknowledgeComplaint', `id: "${id}"`), {}, g.tokens.handler);
    await stack.ok(act('resolveComplaint', `id: "${id}", resolution: "Adjusted the door sensor"`), {}, g.tokens.handler);
    const reopened = (await stack.ok(act('recordCallback', `id: "${id}", method: VISIT, satisfied: false, comment: "Still stops between floors"`), {}, g.tokens.dispatcher)).recordCallback;
    expect(reopened.status).toBe('DISPATCHED');
    expect(reopened.round).toBe(2);
    expect(reopened.satisfied).toBe(false);
    expect(reopened.assignee.id).toBe(g.handler);
    expect(reopened.timeline.map((e: { type: string }) => e.type)).toContain('REOPENED');

    // Round 2 runs the same stages again and can close.
    await stack.ok(act('acknowledgeComplaint', `id: "${id}"`), {}, g.tokens.handler);
    await stack.ok(act('resolveComplaint', `id: "${id}", resolution: "Replaced the controller board"`), {}, g.tokens.handler);
    await stack.ok(act('recordCallback', `id: "${id}", method: PHONE, satisfied: true`), {}, g.tokens.dispatcher);
    const closed = await waitForStatus(stack, g.tokens.dispatcher, id, 'CLOSED');
    expect(closed.round).toBe(2);
    const analysed = closed.timeline.find((e: { type: string }) => e.type === 'ANALYSED');
    expect(analysed.data.reopenCount).toBe(1);
  });

  it('can be withdrawn by the customer, after which nothing more happens to it', async () => {
    const { id } = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'life-withdraw') }, g.tokens.dispatcher)).submitComplaint;
    await stack.ok(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);
    const withdrawn = (await stack.ok(act('withdrawComplaint', `id: "${id}", reason: "Customer fixed it themselves"`), {}, g.tokens.dispatcher)).withdrawComplaint;
    expect(withdrawn.status).toBe('WITHDRAWN');
    const after = await stack.gql(act('acknowledgeComplaint', `id: "${id}"`), {}, g.tokens.handler);
    expect(after.errors?.[0].extensions.code).toBe('INVALID_TRANSITION');
  });

  it('refuses an action the current status does not allow, and changes nothing', async () => {
    const { id } = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'life-invalid') }, g.tokens.dispatcher)).submitComplaint;
    const before = (await stack.ok(`query { complaint(id: "${id}") { ${COMPLAINT_FIELDS} } }`, {}, g.tokens.dispatcher)).complaint;
    const r = await stack.gql(act('recordCallback', `id: "${id}", method: PHONE, satisfied: true`), {}, g.tokens.dispatcher);
    expect(r.errors?.[0].extensions.code).toBe('INVALID_TRANSITION');
    expect(r.errors?.[0].message).toMatch(/CALLBACK is not allowed while the complaint is RECEIVED/);
    const resolveEarly = await stack.gql(act('resolveComplaint', `id: "${id}", resolution: "done"`), {}, g.tokens.dispatcher);
    expect(resolveEarly.errors?.[0].extensions.code).toBe('INVALID_TRANSITION');
    const after = (await stack.ok(`query { complaint(id: "${id}") { ${COMPLAINT_FIELDS} } }`, {}, g.tokens.dispatcher)).complaint;
    expect(withoutMessageOutcomes(after)).toEqual(withoutMessageOutcomes(before));
  });

  it('lets only the assignee acknowledge, and only staff dispatch', async () => {
    const { id } = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'life-perm') }, g.tokens.dispatcher)).submitComplaint;
    // Not dispatched to the handler: not theirs to see (NOT_FOUND); once it is theirs, dispatching is still staff's (FORBIDDEN).
    const byHandler = await stack.gql(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`), {}, g.tokens.handler);
    expect(byHandler.errors?.[0].extensions.code).toBe('NOT_FOUND');
    await stack.ok(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);
    const redispatchByHandler = await stack.gql(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`), {}, g.tokens.handler);
    expect(redispatchByHandler.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const byOther = await stack.gql(act('acknowledgeComplaint', `id: "${id}"`), {}, g.tokens.dispatcher);
    expect(byOther.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const outsider = await stack.gql(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.otherBranchManager}"`), {}, g.tokens.dispatcher);
    expect(outsider.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(outsider.errors?.[0].extensions.fields?.[0].field).toBe('assigneeId');
  });

  it('shows the handler their queue', async () => {
    const { id } = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'life-queue') }, g.tokens.dispatcher)).submitComplaint;
    await stack.ok(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);
    const q = (await stack.ok(`query { myQueue(first: 50) { totalCount edges { node { id status } } } }`, {}, g.tokens.handler)).myQueue;
    expect(q.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(id);
    for (const e of q.edges) expect(['DISPATCHED', 'IN_PROGRESS']).toContain(e.node.status);
  });
});

export async function waitForStatus(stack: Stack, token: string, id: string, status: string): Promise<any> {
  const until = Date.now() + 20_000;
  for (;;) {
    const c = (await stack.ok(`query { complaint(id: "${id}") { ${COMPLAINT_FIELDS} } }`, {}, token)).complaint;
    if (c.status === status) return c;
    if (Date.now() > until) throw new Error(`complaint ${id} is ${c.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
