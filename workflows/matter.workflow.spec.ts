/**
 * The matter workflow on the real Temporal server, with the fan-out activity stubbed (recorded): it
 * counts what the links bring, fires each level once and upwards only, gives later members the level
 * that fired, ignores another tenant's signal, and keeps its state across continue-as-new.
 */
import { Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'crypto';
import type { MatterMember } from '../libs/domain/src/matter/matter.util';
import { presetPolicy } from '../libs/domain/src/policy/policy.util';
import { matterWorkflowId, tenantOfWorkflowId } from './shared/ids';
import { MatterActivities, MatterProgress, complaintLinkedSignal, matterProgressQuery } from './shared/matter';
import { tenantSearchAttributes } from './shared/search-attributes';
import { createEnv, eventually, ORG, WorkflowTestBed } from './test-support/harness';
import { workflowBundlePath } from '../test/support/test-env';

type Upgrade = Parameters<MatterActivities['upgradeMatterComplaints']>[0];

let env: WorkflowTestBed;
let worker: { worker: Worker; running: Promise<void> };
const taskQueue = `matter-wf-${randomBytes(4).toString('hex')}`;
const upgrades: Upgrade[] = [];

beforeAll(async () => {
  env = await createEnv('matter_wf');
  const w = await Worker.create({
    connection: env.env.nativeConnection, namespace: 'default', taskQueue,
    workflowBundle: { codePath: workflowBundlePath() },
    activities: {
      upgradeMatterComplaints: async (args: Upgrade) => {
        upgrades.push(args);
        return { signalled: args.only?.length ?? 0, skipped: 0 };
      },
    } satisfies MatterActivities,
  });
  worker = { worker: w, running: w.run() };
});
afterAll(async () => {
  worker?.worker.shutdown();
  await worker?.running;
  await env?.teardown();
});

const member = (n: number, extra: Partial<MatterMember> = {}): MatterMember => ({
  complaintId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, complainantKey: `phone:${n}`, householdKey: `unit:3-${n}`,
  householdsAffected: 1, receivedAt: Date.UTC(2026, 10, 1) + n * 60_000, ...extra,
});

async function start(preset: 'pm-branch' | 'vanke-sh' | 'training', members: MatterMember[], historyLimit?: number) {
  const matterId = randomUUID();
  const workflowId = matterWorkflowId(ORG.tenantId, matterId);
  expect(tenantOfWorkflowId(workflowId)).toBe(ORG.tenantId);
  const handle = await env.env.client.workflow.signalWithStart('matterWorkflow', {
    workflowId, taskQueue, args: [{ tenantId: ORG.tenantId, matterId, thresholds: presetPolicy(preset).severity, historyLimit }],
    typedSearchAttributes: tenantSearchAttributes(ORG.tenantId),
    signal: complaintLinkedSignal, signalArgs: [{ tenantId: ORG.tenantId, matterId, members }],
  });
  const link = (ms: MatterMember[], tenantId: string = ORG.tenantId) => handle.signal(complaintLinkedSignal, { tenantId, matterId, members: ms });
  const progress = (): Promise<MatterProgress> => handle.query(matterProgressQuery);
  const mine = () => upgrades.filter((u) => u.matterId === matterId);
  return { matterId, handle, link, progress, mine };
}

it('pm-branch: counts households, fires MAJOR once at the fifth, and gives later members the level', async () => {
  const m = await start('pm-branch', [member(1), member(2)]);
  await m.link([member(2), member(3), member(4)]);
  await eventually(async () => ((await m.progress()).members === 4 ? true : undefined));
  expect((await m.progress()).counts).toMatchObject({ complaints: 4, distinctComplainants: 4, distinctHouseholds: 4 });
  expect(m.mine()).toEqual([]);

  await m.link([member(5)]);
  await eventually(() => (m.mine().length === 1 ? true : undefined));
  expect(m.mine()[0]).toMatchObject({ tenantId: ORG.tenantId, severity: 'MAJOR', rule: 'COLLECTIVE_HOUSEHOLDS>=5', only: null });
  expect((await m.progress()).fired).toEqual({ severity: 'MAJOR', rule: 'COLLECTIVE_HOUSEHOLDS>=5' });

  // A sixth complaint joins a matter that has fired: only it is signalled. A repeated member changes nothing.
  await m.link([member(6), member(1)]);
  await eventually(() => (m.mine().length === 2 ? true : undefined));
  expect(m.mine()[1]).toMatchObject({ severity: 'MAJOR', only: [member(6).complaintId] });
  await m.link([member(3)]);
  await eventually(async () => ((await m.progress()).members === 6 ? true : undefined));
  expect(m.mine()).toHaveLength(2);
});

it('vanke-sh: HOT at three people, never MAJOR below ten; another tenant\'s signal is ignored', async () => {
  const m = await start('vanke-sh', [member(1), member(2)]);
  await m.link([member(3)]);
  await eventually(() => (m.mine().length === 1 ? true : undefined));
  expect(m.mine()[0]).toMatchObject({ severity: 'HOT', rule: 'COLLECTIVE_HOUSEHOLDS>=3' });
  await m.link([member(4), member(5, { householdsAffected: 5 })]);
  await m.link([member(20), member(21), member(22), member(23), member(24), member(25)], '7d1e4b2a-9c3f-4e8d-a215-00000000beef');
  await eventually(async () => ((await m.progress()).members === 5 ? true : undefined));
  // The two who joined after it fired get HOT too; nothing is MAJOR (a complaint of 5 households is not 10).
  expect(m.mine()).toHaveLength(2);
  expect(m.mine()[1]).toMatchObject({ severity: 'HOT', only: [member(4).complaintId, member(5).complaintId] });
  await m.link([member(6), member(7), member(8), member(9), member(10)]);
  await eventually(() => (m.mine().length === 3 ? true : undefined));
  expect(m.mine()[2]).toMatchObject({ severity: 'MAJOR', rule: 'COLLECTIVE_HOUSEHOLDS>=10', only: null });
});

it('training: the third complaint (the same complainant again) is MAJOR, and the state survives continue-as-new', async () => {
  const same = { complainantKey: 'phone:1', householdKey: 'unit:5-501' };
  const m = await start('training', [member(1, same), member(2, same)], 100);
  // Enough signals to pass the history limit: the workflow continues as new with its members.
  for (let i = 0; i < 40; i += 1) {
    await m.link([member(2, same)]);
    // One workflow task per signal, so the history grows as a busy matter's would.
    await eventually(async () => ((await m.progress()).members === 2 ? true : undefined));
  }
  await eventually(async () => {
    const d = await m.handle.describe();
    return d.runId !== d.raw.workflowExecutionInfo?.firstRunId ? true : undefined;
  });
  await eventually(async () => ((await m.progress()).members === 2 ? true : undefined));
  expect(m.mine()).toEqual([]);
  await m.link([member(3, same)]);
  await eventually(() => (m.mine().length === 1 ? true : undefined));
  expect(m.mine()[0]).toMatchObject({ severity: 'MAJOR', rule: 'SAME_MATTER_COMPLAINTS>=3' });
  expect((await m.progress()).counts).toMatchObject({ complaints: 3, distinctComplainants: 1, distinctHouseholds: 1 });
});
