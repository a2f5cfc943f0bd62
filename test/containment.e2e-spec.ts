/**
 * Containment inside the engine (issue 7), end to end: workflows started DIRECTLY through the
 * Temporal client (bypassing the gateway's validation — as data from an older release or a bug
 * would) with poison in them. The real worker runs as its own process so its log output can be
 * read; a second tenant's intake over HTTP keeps working throughout.
 */
import { Client, Connection, WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import type { BranchCalendar } from '../libs/domain/src/calendar/calendar.types';
import type { Policy } from '../libs/domain/src/policy/policy.types';
import type { ComplaintWorkflowInput } from '../workflows/shared/complaint.types';
import { PROJECTION_FAILED, REGISTRATION_FAILED } from '../workflows/shared/complaint.types';
import { complaintWorkflowId } from '../workflows/shared/ids';
import { followUpUpdate, intakeUpdate } from '../workflows/shared/updates';
import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, temporalAddress } from './support/stack';

const act = (mutation: string, args: string) => `mutation { ${mutation}(${args}) { ${COMPLAINT_FIELDS} } }`;
// Personal data that must never reach a log line.
const NAME = 'Poisonname Zhang';
const PHONE = '13912345678';

describe('one complaint’s poison never stops the engine', () => {
  let stack: Stack;
  let a: Group;
  let b: Group;
  let client: Client;
  let connection: Connection;
  let log = '';

  beforeAll(async () => {
    stack = await Stack.start('containment', { worker: 'process' });
    // The worker process's output (Stack reads it only until the worker polls).
    const child = (stack as unknown as { child: ChildProcess }).child;
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    a = await provisionGroup(stack, 'Poisoned Group', 'pm-branch', 'PZ01');
    b = await provisionGroup(stack, 'Healthy Group', 'pm-branch', 'HL01');
    connection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection, namespace: 'default' });
  });
  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
  });

  /** A workflow input for group A, built as the gateway builds it but without its validation. */
  async function directInput(key: string, overrides: { description?: string; receivedAt?: number; policy?: (p: Policy) => void } = {}): Promise<ComplaintWorkflowInput> {
    const [{ document }] = await stack.db.query(`SELECT document FROM policy_versions WHERE tenant_id = $1 AND version = 1`, [a.tenantId]);
    const [branch] = await stack.db.query(`SELECT calendar FROM branches WHERE id = $1`, [a.branchId]);
    const policy = document as Policy;
    overrides.policy?.(policy);
    return {
      tenantId: a.tenantId, complaintId: randomUUID(), policy, policyVersion: 1, calendar: branch.calendar as BranchCalendar,
      intake: {
        idempotencyKey: key, branchId: a.branchId, companyId: a.companyId, branchCode: a.branchCode, channel: 'PHONE', kind: 'COMPLAINT',
        category: 'PROPERTY_MANAGEMENT', description: overrides.description ?? 'The lift is broken', demand: null, location: null,
        complainant: { name: NAME, phone: PHONE, unit: '3-1202' }, householdsAffected: 1, lossAmountYuan: null, injury: false,
        mediaExposure: false, litigation: false, emergency: false, receivedAt: overrides.receivedAt ?? Date.now(),
        firstContactOwnerId: a.dispatcher, customerDeadline: null,
      },
    };
  }

  function intake(input: ComplaintWorkflowInput): Promise<{ reference: string }> {
    const startWorkflowOperation = new WithStartWorkflowOperation('complaintWorkflow', {
      workflowId: complaintWorkflowId(input.tenantId, input.complaintId), taskQueue: stack.taskQueue, args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return client.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation });
  }

  async function refusal(p: Promise<unknown>): Promise<ApplicationFailure> {
    const err = await p.then(() => new Error('expected a refusal'), (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return cause as ApplicationFailure;
  }

  const healthyIntake = async (key: string): Promise<string> => {
    const r = await stack.gql(SUBMIT, { input: complaintInput(b.branchId, key) }, b.tokens.dispatcher);
    expect(r.errors).toBeUndefined();
    return r.data!.submitComplaint.reference as string;
  };
  const rows = async (complaintId: string): Promise<number> =>
    (await stack.db.query(`SELECT count(*)::int AS n FROM complaints WHERE id = $1`, [complaintId]))[0].n;

  it('a NUL in the description or an absurd receivedAt: intake fails visibly, nothing is written, the worker and tenant B carry on', async () => {
    const nul = await directInput('poison-nul', { description: 'lift broken\u0000' });
    const ancient = await directInput('poison-date', { receivedAt: -8.64e15 });
    const during = healthyIntake('b-during');
    const [f1, f2] = await Promise.all([refusal(intake(nul)), refusal(intake(ancient))]);
    expect(await during).toMatch(/^HL01-/);

    for (const [f, input] of [[f1, nul], [f2, ancient]] as const) {
      expect(f.type).toBe(REGISTRATION_FAILED);
      expect(f.message).toContain(input.complaintId);
      expect(f.message).toMatch(/SQLSTATE 22\w{3}/);
      expect(await rows(input.complaintId)).toBe(0);
      const described = await client.workflow.getHandle(complaintWorkflowId(input.tenantId, input.complaintId)).describe();
      expect(described.status.name).toBe('FAILED');
      expect(log).toContain(`ALERT complaint write failed for good: tenant ${a.tenantId} complaint ${input.complaintId}`);
    }
    // The worker is still up: both tenants' intake works afterwards.
    expect(await healthyIntake('b-after')).toMatch(/^HL01-/);
    expect((await stack.ok(SUBMIT, { input: complaintInput(a.branchId, 'a-after') }, a.tokens.dispatcher)).submitComplaint.reference).toMatch(/^PZ01-/);
    // No personal data in the worker's log, even though the failed INSERT carried it.
    expect(log).not.toContain(NAME);
    expect(log).not.toContain(PHONE);
  });

  it('an action whose write fails for good is refused with a trace, releases the lock, and later actions work', async () => {
    const c = (await stack.ok(SUBMIT, { input: complaintInput(a.branchId, 'a-action', { complainant: { name: NAME, phone: PHONE, unit: '1-101' } }) }, a.tokens.dispatcher)).submitComplaint;
    await stack.ok(act('dispatchComplaint', `id: "${c.id}", assigneeId: "${a.handler}"`), {}, a.tokens.dispatcher);
    const handle = client.workflow.getHandle(c.workflowId as string);
    const f = await refusal(handle.executeUpdate(followUpUpdate, { args: [{ tenantId: a.tenantId, actorId: a.handler, note: `called ${NAME}\u0000`, customerInformed: true }] }));
    expect(f.type).toBe(PROJECTION_FAILED);
    expect(f.message).not.toContain(NAME);
    // The lock is released: the next action answers at once, and the read model matches the workflow.
    const acked = (await stack.ok(act('acknowledgeComplaint', `id: "${c.id}"`), {}, a.tokens.handler)).acknowledgeComplaint;
    expect(acked.status).toBe('IN_PROGRESS');
    const types = acked.timeline.map((e: { type: string }) => e.type);
    expect(types).toContain('PROJECTION_FAILED');
    expect(types).not.toContain('FOLLOW_UP');
    const trace = acked.timeline.find((e: { type: string }) => e.type === 'PROJECTION_FAILED');
    expect(trace.data).toMatchObject({ step: 'FOLLOW_UP', failureType: 'DATA_REJECTED' });
    expect(JSON.stringify(trace)).not.toContain(NAME);
    expect(log).toContain(`complaint ${c.id} reference ${c.reference}`);
    expect(log).not.toContain(NAME);
    expect(log).not.toContain(PHONE);
    expect(await healthyIntake('b-after-action')).toMatch(/^HL01-/);
  });

  it('an uncomputable business deadline in the policy: the complaint registers, records DEADLINE_UNCOMPUTABLE and accepts actions', async () => {
    const input = await directInput('huge-duration', { policy: (p) => (p.deadlines.CUSTOMER_REPLY = { after: 'P5000000D', businessTime: true }) });
    const during = healthyIntake('b-during-huge');
    const { reference } = await intake(input);
    expect(reference).toMatch(/^PZ01-/);
    expect(await during).toMatch(/^HL01-/);
    const c = (await stack.ok(`query { complaint(id: "${input.complaintId}") { ${COMPLAINT_FIELDS} } }`, {}, a.tokens.headOffice)).complaint;
    const event = c.timeline.find((e: { type: string }) => e.type === 'DEADLINE_UNCOMPUTABLE');
    expect(event.data).toMatchObject({ kind: 'CUSTOMER_REPLY', reason: 'BEYOND_ENGINE_LIMIT' });
    expect(c.deadlines.find((d: { kind: string }) => d.kind === 'CUSTOMER_REPLY').dueAt).toBe(event.data.fallbackDueAt);
    const dispatched = (await stack.ok(act('dispatchComplaint', `id: "${input.complaintId}", assigneeId: "${a.handler}"`), {}, a.tokens.dispatcher)).dispatchComplaint;
    expect(dispatched.status).toBe('DISPATCHED');
  });
});
