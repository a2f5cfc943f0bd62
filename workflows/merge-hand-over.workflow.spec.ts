/**
 * Merge and hand-over on the REAL Temporal server with the real activities writing to PostgreSQL
 * (see test-support/harness.ts): a merged complaint's workflow ends with its deadlines closed (no
 * timer left, no breach later), and the survivor's timeline records what came in, once.
 */
import { WorkflowHandle } from '@temporalio/client';
import type { complaintWorkflow } from './complaint.workflow';
import type { ActionResult, ComplaintWorkflowInput, TimelineEventRecord } from './shared/complaint.types';
import { complaintWorkflowId } from './shared/ids';
import { dispatchUpdate, handOverUpdate, mergeReceivedSignal, mergeUpdate, stateQuery } from './shared/updates';
import { complaintInput, eventually, ORG, sleep, USERS, workflowSuite } from './test-support/harness';

const SHORT = { after: 'PT2S', businessTime: false } as const;

const suite = workflowSuite('merge_wf');

type Handle = WorkflowHandle<typeof complaintWorkflow>;

async function setUp(opts: Parameters<typeof complaintInput>[0] = {}): Promise<{ input: ComplaintWorkflowInput; handle: Handle; reference: string }> {
  const input = complaintInput(opts);
  const { reference, handle } = await suite.h.intake(input);
  return { input, handle, reference };
}

const timeline = (input: ComplaintWorkflowInput): Promise<TimelineEventRecord[]> => suite.h.timeline(input.complaintId);

const merge = (handle: Handle, into: { input: ComplaintWorkflowInput; reference: string }): Promise<ActionResult> =>
  handle.executeUpdate(mergeUpdate, {
    args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, intoId: into.input.complaintId, intoReference: into.reference, reason: 'same leak, same flat' }],
  });

test('a merged complaint ends with its deadlines closed, and the survivor records what came in, once', async () => {
  const survivor = await setUp();
  // Its own clocks fall due two seconds after intake: a merge must leave no timer that could still breach.
  const merged = await setUp({ deadlines: { CUSTOMER_REPLY: SHORT, ACKNOWLEDGE: SHORT, FORWARD: SHORT } });
  await merged.handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, assigneeId: USERS.handler, note: null }] });

  const r = await merge(merged.handle, survivor);
  expect(r.status).toBe('MERGED');
  const final = await merged.handle.result();
  expect(final).toMatchObject({ status: 'MERGED', mergedIntoId: survivor.input.complaintId, closedAt: expect.any(Number) });
  expect(final.deadlines.filter((d) => d.metAt === null).every((d) => d.cancelledAt === final.closedAt)).toBe(true);
  expect((await suite.h.runs(merged.input)).status).toBe('COMPLETED');

  const mergedEvents = await timeline(merged.input);
  expect(mergedEvents.at(-1)).toMatchObject({
    type: 'MERGED_INTO', actor: USERS.dispatcher,
    data: { intoId: survivor.input.complaintId, intoReference: survivor.reference, reason: 'same leak, same flat', closedDeadlines: expect.arrayContaining(['CUSTOMER_REPLY', 'ACKNOWLEDGE']) },
  });
  const [row] = await suite.h.db.query(`SELECT status, merged_into_id, overdue FROM complaints WHERE id = $1`, [merged.input.complaintId]);
  expect(row).toEqual({ status: 'MERGED', merged_into_id: survivor.input.complaintId, overdue: false });

  await eventually(async () => {
    const received = (await timeline(survivor.input)).filter((e) => e.type === 'MERGE_RECEIVED');
    expect(received).toEqual([expect.objectContaining({
      actor: USERS.dispatcher, data: { fromId: merged.input.complaintId, fromReference: merged.reference, reason: 'same leak, same flat' },
    })]);
    return true;
  });

  // The same signal again (a duplicate delivery) changes nothing on the survivor.
  const survivorHandle = suite.h.client.workflow.getHandle(complaintWorkflowId(ORG.tenantId, survivor.input.complaintId));
  const seq = (await survivorHandle.query(stateQuery)).seq;
  await survivorHandle.signal(mergeReceivedSignal, { tenantId: ORG.tenantId, actorId: USERS.dispatcher, fromId: merged.input.complaintId, fromReference: merged.reference, reason: 'again' });
  // Another tenant's is ignored.
  await survivorHandle.signal(mergeReceivedSignal, { tenantId: '7d1e4b2a-9c3f-4e8d-a215-000000000bad', actorId: USERS.dispatcher, fromId: '7d1e4b2a-9c3f-4e8d-a215-000000000bee', fromReference: 'X', reason: 'x' });
  await sleep(500);
  expect((await survivorHandle.query(stateQuery)).seq).toBe(seq);

  // After the merged complaint's deadlines were due: no breach, nothing more written.
  await sleep(Math.max(0, merged.input.intake.receivedAt + 3_500 - Date.now()));
  expect((await timeline(merged.input)).filter((e) => e.type === 'DEADLINE_BREACHED')).toEqual([]);
  expect((await timeline(merged.input)).at(-1)?.type).toBe('MERGED_INTO');
});

test('a merge back into the complaint merged into it is refused (no cycle)', async () => {
  const a = await setUp();
  const b = await setUp();
  await merge(b.handle, a);
  await b.handle.result();
  await eventually(async () => {
    expect((await timeline(a.input)).map((e) => e.type)).toContain('MERGE_RECEIVED');
    return true;
  });
  await expect(merge(a.handle, b)).rejects.toThrow();
  expect((await a.handle.query(stateQuery)).status).toBe('RECEIVED');
});

test('a hand-over changes who follows it through and records from, to and the note', async () => {
  const c = await setUp();
  await c.handle.executeUpdate(handOverUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.firstContact, toUserId: USERS.handlerA, note: 'I am away; Li follows it up' }] });
  const s = await c.handle.query(stateQuery);
  expect(s.ownerId).toBe(USERS.handlerA);
  expect((await timeline(c.input)).at(-1)).toMatchObject({
    type: 'HANDED_OVER', actor: USERS.firstContact, data: { fromUserId: USERS.firstContact, toUserId: USERS.handlerA, note: 'I am away; Li follows it up' },
  });
  const [row] = await suite.h.db.query(`SELECT owner_id, first_contact_owner_id FROM complaints WHERE id = $1`, [c.input.complaintId]);
  expect(row).toEqual({ owner_id: USERS.handlerA, first_contact_owner_id: USERS.firstContact });
});
