/**
 * Test harness for the complaint workflow on a REAL Temporal server (the jest global setup starts
 * a dev server and pre-bundles the workflow code). Activities are in-memory stubs that keep the
 * same idempotency semantics as the real ones (complaint rows keyed by complaint id, timeline
 * events keyed by (complaint id, seq), projections guarded by last seq), and record every call so
 * tests can assert what a user of the read model would see.
 */
import { Context } from '@temporalio/activity';
import { Client, WithStartWorkflowOperation, WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'crypto';
import { installTemporalRuntime } from '../../apps/worker/src/temporal-runtime';
import type {
  ComplaintActivities, ComplaintAnalysis, RegisterComplaintArgs,
} from '../../apps/worker/src/activities/complaint.activities.types';
import { defaultBranchCalendar } from '../../libs/domain/src/calendar/china-holidays.util';
import type { DeadlineKind } from '../../libs/domain/src/enums';
import type { DeadlineRule, Policy } from '../../libs/domain/src/policy/policy.types';
import { presetPolicy } from '../../libs/domain/src/policy/policy.util';
import type { complaintWorkflow } from '../complaint.workflow';
import type {
  ComplaintIntake, ComplaintProjection, ComplaintState, ComplaintWorkflowInput, ProjectionFailureRecord, TimelineEventRecord,
} from '../shared/complaint.types';
import { DATA_REJECTED } from '../shared/complaint.types';
import { complaintWorkflowId } from '../shared/ids';
import { intakeUpdate, stateQuery } from '../shared/updates';
import { eventually, temporalAddress, workflowBundlePath } from '../../test/support/test-env';

export { eventually };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


// --- in-memory activities -----------------------------------------------------------------------

export interface PersistedComplaint {
  reference: string;
  /** The projection row: only a newer seq overwrites it (like `last_seq < $seq` in SQL). */
  state: ComplaintState | null;
  /** Timeline keyed by seq: a replayed seq is ignored (like ON CONFLICT (complaint_id, seq) DO NOTHING). */
  events: Map<number, TimelineEventRecord>;
  /** The same seq written twice with a different event: a workflow bug (seq reused). */
  conflicts: { seq: number; kept: TimelineEventRecord; dropped: TimelineEventRecord }[];
}

/** Faults a test can inject into the next activity attempts. */
export interface Faults {
  /** Fail this many persistComplaint attempts AFTER the write "committed" (a lost acknowledgement). */
  persistFailAfterWrite: number;
  /**
   * Reject (non-retryably, nothing written, like a rolled-back transaction with SQLSTATE 22021) every
   * persistComplaint whose events include one of these types; registerComplaint too when it lists 'REGISTER'.
   */
  rejectEventTypes: string[];
}

/** One write of the projection (registration's first write, then persistComplaint attempts), with the workflow run that made it. */
export type PersistCall = ComplaintProjection & { runId: string };

export class ActivityRecorder {
  readonly registerCalls: RegisterComplaintArgs[] = [];
  readonly persistCalls: PersistCall[] = [];
  readonly analyseCalls: { tenantId: string; complaintId: string }[] = [];
  readonly failureRecords: ProjectionFailureRecord[] = [];
  readonly complaints = new Map<string, PersistedComplaint>();
  readonly faults: Faults = { persistFailAfterWrite: 0, rejectEventTypes: [] };
  private counter = 0;

  readonly activities: ComplaintActivities = {
    registerComplaint: async (args) => {
      this.registerCalls.push(clone(args));
      if (this.faults.rejectEventTypes.includes('REGISTER')) throw rejected(args.complaintId);
      const existing = this.complaints.get(args.complaintId);
      if (existing) return { reference: existing.reference };
      this.counter += 1;
      const year = new Date(args.intake.receivedAt).getUTCFullYear();
      const reference = `${args.intake.branchCode}-${year}-${String(this.counter).padStart(6, '0')}`;
      this.complaints.set(args.complaintId, { reference, state: null, events: new Map(), conflicts: [] });
      // Registration writes the first projection in the same transaction: it counts as the first write.
      // The row gets the reference allocated here (the workflow learns it from the result).
      const projection = { tenantId: args.tenantId, complaintId: args.complaintId, state: { ...args.state, reference }, events: args.events };
      this.persistCalls.push({ ...clone(projection), runId: Context.current().info.workflowExecution?.runId ?? '' });
      this.apply(projection);
      return { reference };
    },
    persistComplaint: async (p) => {
      this.persistCalls.push({ ...clone(p), runId: Context.current().info.workflowExecution?.runId ?? '' });
      if (p.events.some((e) => this.faults.rejectEventTypes.includes(e.type))) throw rejected(p.complaintId);
      this.apply(p);
      if (this.faults.persistFailAfterWrite > 0) {
        this.faults.persistFailAfterWrite -= 1;
        throw new Error('injected: connection lost after commit');
      }
    },
    recordProjectionFailure: async (r) => {
      this.failureRecords.push(clone(r));
      const row = this.complaints.get(r.complaintId);
      if (row && r.event && !row.events.has(r.event.seq)) row.events.set(r.event.seq, clone(r.event));
    },
    analyseComplaint: async (args): Promise<ComplaintAnalysis> => {
      this.analyseCalls.push(clone(args));
      const events = this.timeline(args.complaintId);
      const reopenCount = events.filter((e) => e.type === 'REOPENED').length;
      return {
        rounds: reopenCount + 1, reopenCount, msToDispatch: null, msToResolve: null, msToCallback: null,
        deadlinesMet: events.filter((e) => e.type === 'DEADLINE_MET').length,
        deadlinesBreached: events.filter((e) => e.type === 'DEADLINE_BREACHED').length,
      };
    },
  };

  private apply(p: ComplaintProjection): void {
    const row = this.complaints.get(p.complaintId);
    if (!row) throw ApplicationFailure.nonRetryable(`complaint ${p.complaintId} not registered`, 'NOT_FOUND');
    for (const e of p.events) {
      const kept = row.events.get(e.seq);
      if (!kept) row.events.set(e.seq, clone(e));
      else if (JSON.stringify(kept) !== JSON.stringify(e)) row.conflicts.push({ seq: e.seq, kept, dropped: clone(e) });
    }
    if (row.state === null || row.state.seq < p.state.seq) row.state = clone(p.state);
  }

  /** The persisted timeline of a complaint, ordered by seq. */
  timeline(complaintId: string): TimelineEventRecord[] {
    const row = this.complaints.get(complaintId);
    return row ? [...row.events.values()].sort((a, b) => a.seq - b.seq) : [];
  }

  row(complaintId: string): PersistedComplaint | undefined {
    return this.complaints.get(complaintId);
  }

  persistCallsFor(complaintId: string): PersistCall[] {
    return this.persistCalls.filter((p) => p.complaintId === complaintId);
  }
}

/** What the real activity throws for a write PostgreSQL refuses for good (see write-failure.util.ts). */
function rejected(complaintId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `Writing complaint ${complaintId} (persistComplaint) was rejected for good: SQLSTATE 22021 character_not_in_repertoire`, DATA_REJECTED,
  );
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

// --- inputs ---------------------------------------------------------------------------------------

export interface InputOptions {
  tenantId?: string;
  complaintId?: string;
  receivedAt?: number;
  /**
   * Deadline rules by kind. Kinds not given here run 30 calendar days (so that no business-time or
   * end-of-day rule of the preset can fall due mid-test, whatever the wall clock says).
   */
  deadlines?: Partial<Record<DeadlineKind, DeadlineRule>>;
  callbackRequiredFor?: Policy['callback']['requiredFor'];
  maxHistoryEvents?: number;
  intake?: Partial<ComplaintIntake>;
}

/** A month on the wall clock: long enough never to fall due during a test. */
export const FAR: DeadlineRule = { after: 'P30D', businessTime: false };

/** A complete workflow input on the pm-branch preset, with the given deadline rules. */
export function complaintInput(opts: InputOptions = {}): ComplaintWorkflowInput {
  const policy = presetPolicy('pm-branch');
  for (const kind of Object.keys(policy.deadlines) as DeadlineKind[]) {
    policy.deadlines[kind] = { ...(opts.deadlines?.[kind] ?? FAR) };
  }
  if (opts.callbackRequiredFor) policy.callback.requiredFor = opts.callbackRequiredFor;
  const tenantId = opts.tenantId ?? `tenant-${randomBytes(3).toString('hex')}`;
  const complaintId = opts.complaintId ?? randomUUID();
  const intake: ComplaintIntake = {
    idempotencyKey: `key-${complaintId}`,
    branchId: 'branch-1',
    companyId: 'company-1',
    branchCode: 'GZ01',
    channel: 'PHONE',
    kind: 'COMPLAINT',
    category: 'PROPERTY_MANAGEMENT',
    description: '电梯三天没修好 — the lift in building 3 has been out of order for three days',
    demand: 'Repair it this week',
    location: 'Building 3, lobby',
    complainant: { name: '张女士', phone: '13800138000', unit: '3-1202' },
    householdsAffected: 1,
    lossAmountYuan: null,
    injury: false,
    mediaExposure: false,
    litigation: false,
    emergency: false,
    receivedAt: opts.receivedAt ?? Date.now(),
    firstContactOwnerId: 'user-first-contact',
    ...opts.intake,
  };
  return {
    tenantId, complaintId, intake, policy, policyVersion: 1, calendar: defaultBranchCalendar(),
    ...(opts.maxHistoryEvents !== undefined ? { maxHistoryEvents: opts.maxHistoryEvents } : {}),
  };
}

// --- environment ----------------------------------------------------------------------------------

/** One Temporal environment per test file (connections to the shared dev server). */
export async function createEnv(): Promise<TestWorkflowEnvironment> {
  installTemporalRuntime();
  return TestWorkflowEnvironment.createFromExistingServer({ address: temporalAddress() });
}

/**
 * One worker on its own task queue, with fresh recording activities. A test can stop and restart
 * the worker (same queue, same recorder) to let timers fire while no worker is polling.
 */
export class WorkerHarness {
  readonly taskQueue = `wf-test-${randomBytes(5).toString('hex')}`;
  readonly recorder = new ActivityRecorder();
  private worker: { worker: Worker; running: Promise<void> } | null = null;
  private readonly workflowIds = new Set<string>();

  constructor(private readonly env: TestWorkflowEnvironment) {}

  get client(): Client {
    return this.env.client;
  }

  static async start(env: TestWorkflowEnvironment): Promise<WorkerHarness> {
    const h = new WorkerHarness(env);
    await h.startWorker();
    return h;
  }

  async startWorker(): Promise<void> {
    if (this.worker) return;
    const worker = await Worker.create({
      connection: this.env.nativeConnection,
      namespace: 'default',
      taskQueue: this.taskQueue,
      workflowBundle: { codePath: workflowBundlePath() },
      activities: this.recorder.activities,
    });
    this.worker = { worker, running: worker.run() };
  }

  async stopWorker(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    w.worker.shutdown();
    await w.running;
  }

  /** Intake exactly as the gateway does it: update-with-start, joining a running workflow. */
  async intake(input: ComplaintWorkflowInput): Promise<{ reference: string; complaintId: string; handle: WorkflowHandle<typeof complaintWorkflow> }> {
    const workflowId = complaintWorkflowId(input.tenantId, input.complaintId);
    this.workflowIds.add(workflowId);
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof complaintWorkflow>('complaintWorkflow', {
      workflowId, taskQueue: this.taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING',
    });
    const result = await this.client.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation });
    return { ...result, handle: this.handle(input) };
  }

  /** The current run of the workflow and the first run of its chain (continue-as-new keeps the chain). */
  async runs(input: Pick<ComplaintWorkflowInput, 'tenantId' | 'complaintId'>): Promise<{ runId: string; firstRunId: string; status: string }> {
    const d = await this.handle(input).describe();
    return { runId: d.runId, firstRunId: d.raw.workflowExecutionInfo?.firstRunId ?? '', status: d.status.name };
  }

  /** A handle addressed by workflow id only (no run id), as the gateway addresses complaints. */
  handle(input: Pick<ComplaintWorkflowInput, 'tenantId' | 'complaintId'>): WorkflowHandle<typeof complaintWorkflow> {
    return this.client.workflow.getHandle<typeof complaintWorkflow>(complaintWorkflowId(input.tenantId, input.complaintId));
  }

  async state(input: Pick<ComplaintWorkflowInput, 'tenantId' | 'complaintId'>): Promise<ComplaintState> {
    return this.handle(input).query(stateQuery);
  }

  /** Stops the worker and terminates whatever workflow this harness started that still runs. */
  async stop(): Promise<void> {
    await this.stopWorker().catch(() => undefined);
    for (const id of this.workflowIds) {
      await this.client.workflow.getHandle(id).terminate('test finished').catch(() => undefined);
    }
  }
}
