/**
 * Test harness for the complaint workflow on a REAL Temporal server (the jest global setup starts
 * a dev server and pre-bundles the workflow code) writing to a REAL PostgreSQL: each test file gets
 * its own database (all migrations applied) with one organisation inserted by SQL, and the worker
 * runs the real activities (`ComplaintActivitiesService`). Tests read what the read model holds
 * with SQL (`timeline`, `row`). The activities are wrapped only to record their calls and to inject
 * faults around the real code (a lost acknowledgement after commit, a write refused for good).
 */
import { Context } from '@temporalio/activity';
import { Client, WithStartWorkflowOperation, WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { installTemporalRuntime } from '../../apps/worker/src/temporal-runtime';
import { ComplaintActivitiesService } from '../../apps/worker/src/activities/complaint.activities';
import { EscalationActivitiesService, escalationActivities } from '../../apps/worker/src/activities/escalation.activities';
import { WorkOrderActivitiesService, workOrderActivities } from '../../apps/worker/src/activities/work-order.activities';
import type {
  ComplaintActivities, ComplaintAnalysis, RegisterComplaintArgs,
} from '../../apps/worker/src/activities/complaint.activities.types';
import { defaultBranchCalendar } from '../../libs/domain/src/calendar/china-holidays.util';
import type { CallbackMethod, Category, ComplaintStatus, DeadlineKind, Responsibility, Severity, Validity } from '../../libs/domain/src/enums';
import type { DeadlineRule, Policy } from '../../libs/domain/src/policy/policy.types';
import { presetPolicy } from '../../libs/domain/src/policy/policy.util';
import { createDataSource } from '../../libs/persistence/src/data-source';
import type { complaintWorkflow } from '../complaint.workflow';
import type {
  ComplaintIntake, ComplaintProjection, ComplaintState, ComplaintWorkflowInput, ProjectionFailureRecord, TimelineEventRecord,
} from '../shared/complaint.types';
import { DATA_REJECTED } from '../shared/complaint.types';
import { complaintWorkflowId } from '../shared/ids';
import { tenantSearchAttributes } from '../shared/search-attributes';
import { intakeUpdate, stateQuery } from '../shared/updates';
import { createTestDatabase } from '../../test/support/database';
import { insertOrganisation } from '../../test/support/seed-sql';
import { eventually, temporalAddress, workflowBundlePath } from '../../test/support/test-env';

export { eventually };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// --- the organisation every complaint of a test file belongs to -----------------------------------

/** Fixed ids: each test file has its own database, so they never meet another file's rows. */
export const ORG = {
  tenantId: '0b6f3c1e-5a2d-4c7e-9f10-000000000001',
  companyId: '0b6f3c1e-5a2d-4c7e-9f10-000000000002',
  branchId: '0b6f3c1e-5a2d-4c7e-9f10-000000000003',
  branchCode: 'GZ01',
} as const;

/** The users the tests act as (rows in `users`: the assignee and the first contact are foreign keys). */
export const USERS = {
  firstContact: '0b6f3c1e-5a2d-4c7e-9f10-0000000000a1',
  dispatcher: '0b6f3c1e-5a2d-4c7e-9f10-0000000000a2',
  handler: '0b6f3c1e-5a2d-4c7e-9f10-0000000000a3',
  handlerA: '0b6f3c1e-5a2d-4c7e-9f10-0000000000a4',
  handlerB: '0b6f3c1e-5a2d-4c7e-9f10-0000000000a5',
  callbackAgent: '0b6f3c1e-5a2d-4c7e-9f10-0000000000a6',
  manager: '0b6f3c1e-5a2d-4c7e-9f10-0000000000a7',
} as const;

// --- activities: the real ones, recorded, with injectable faults around them ---------------------

/** Faults a test can inject around the real activities. */
export interface Faults {
  /** Fail this many persistComplaint attempts AFTER the real write committed (a lost acknowledgement). */
  persistFailAfterWrite: number;
  /**
   * Refuse (non-retryably, before the real activity runs, so nothing is written) every persistComplaint
   * whose events include one of these types; registerComplaint too when it lists 'REGISTER'.
   */
  rejectEventTypes: string[];
}

/** One attempt to write the projection (registration's first write, then persistComplaint attempts), with the workflow run that made it. */
export type PersistCall = ComplaintProjection & { runId: string };

export class ActivityRecorder {
  readonly registerCalls: RegisterComplaintArgs[] = [];
  readonly persistCalls: PersistCall[] = [];
  /** The writes the real activity committed (whatever the workflow was told afterwards). */
  readonly committedWrites: ComplaintProjection[] = [];
  readonly analyseCalls: { tenantId: string; complaintId: string }[] = [];
  readonly failureRecords: ProjectionFailureRecord[] = [];
  readonly faults: Faults = { persistFailAfterWrite: 0, rejectEventTypes: [] };
  readonly activities: ComplaintActivities;

  constructor(real: ComplaintActivities) {
    this.activities = {
      registerComplaint: async (args) => {
        this.registerCalls.push(clone(args));
        if (this.faults.rejectEventTypes.includes('REGISTER')) throw rejected(args.complaintId, 'registerComplaint');
        const result = await real.registerComplaint(args);
        // Registration writes the first projection in the same transaction: it counts as the first write.
        const projection = { tenantId: args.tenantId, complaintId: args.complaintId, state: { ...args.state, reference: result.reference }, events: args.events };
        this.persistCalls.push({ ...clone(projection), runId: runIdOfActivity() });
        this.committedWrites.push(clone(projection));
        return result;
      },
      persistComplaint: async (p) => {
        this.persistCalls.push({ ...clone(p), runId: runIdOfActivity() });
        if (p.events.some((e) => this.faults.rejectEventTypes.includes(e.type))) throw rejected(p.complaintId, 'persistComplaint');
        await real.persistComplaint(p);
        this.committedWrites.push(clone(p));
        if (this.faults.persistFailAfterWrite > 0) {
          this.faults.persistFailAfterWrite -= 1;
          throw new Error('injected: connection lost after commit');
        }
      },
      recordProjectionFailure: async (r) => {
        this.failureRecords.push(clone(r));
        await real.recordProjectionFailure(r);
      },
      analyseComplaint: async (args): Promise<ComplaintAnalysis> => {
        this.analyseCalls.push(clone(args));
        return real.analyseComplaint(args);
      },
    };
  }

  persistCallsFor(complaintId: string): PersistCall[] {
    return this.persistCalls.filter((p) => p.complaintId === complaintId);
  }
}

function runIdOfActivity(): string {
  return Context.current().info.workflowExecution?.runId ?? '';
}

/** What the real activity throws for a write PostgreSQL refuses for good (see write-failure.util.ts). */
function rejected(complaintId: string, step: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `Writing complaint ${complaintId} (${step}) was rejected for good: injected by the test (like SQLSTATE 22021 character_not_in_repertoire)`, DATA_REJECTED,
  );
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

// --- the read model, read back with SQL -----------------------------------------------------------

/** The complaint row's workflow-owned columns, in the workflow's units (epoch ms). */
export interface ComplaintRow {
  reference: string;
  status: ComplaintStatus;
  round: number;
  category: Category;
  severity: Severity;
  validity: Validity;
  responsibility: Responsibility;
  assigneeId: string | null;
  resolvedAt: number | null;
  closedAt: number | null;
  satisfied: boolean | null;
  lastCallbackMethod: CallbackMethod | null;
  overdue: boolean;
  /** The workflow seq of the projection the row holds. */
  seq: number;
  deadlines: { kind: DeadlineKind; round: number; dueAt: number; metAt: number | null; breachedAt: number | null }[];
}

const ms = (v: Date | string | null): number | null => (v === null || v === undefined ? null : new Date(v).getTime());

/** What the row must hold for a given workflow state (the columns the projection writes). */
export function expectedRow(s: ComplaintState): ComplaintRow {
  return {
    reference: s.reference ?? '', status: s.status, round: s.round, category: s.category, severity: s.severity, validity: s.validity,
    responsibility: s.responsibility, assigneeId: s.assigneeId, resolvedAt: s.resolvedAt, closedAt: s.closedAt, satisfied: s.satisfied,
    lastCallbackMethod: s.lastCallbackMethod, overdue: s.deadlines.some((d) => d.breachedAt !== null && d.metAt === null), seq: s.seq,
    deadlines: s.deadlines.map((d) => ({ kind: d.kind, round: d.round, dueAt: d.dueAt, metAt: d.metAt, breachedAt: d.breachedAt })),
  };
}

/** Reads a complaint's row and timeline from PostgreSQL. */
export class ReadModel {
  constructor(readonly db: DataSource) {}

  async row(complaintId: string): Promise<ComplaintRow | undefined> {
    const [r] = await this.db.query(
      `SELECT reference, status, round, category, severity, validity, responsibility, assignee_id, resolved_at, closed_at, satisfied,
              last_callback_method, overdue, last_seq, deadlines
         FROM complaints WHERE id = $1 AND tenant_id = $2`,
      [complaintId, ORG.tenantId],
    );
    if (!r) return undefined;
    return {
      reference: r.reference, status: r.status, round: r.round, category: r.category, severity: r.severity, validity: r.validity,
      responsibility: r.responsibility, assigneeId: r.assignee_id, resolvedAt: ms(r.resolved_at), closedAt: ms(r.closed_at),
      satisfied: r.satisfied, lastCallbackMethod: r.last_callback_method, overdue: r.overdue, seq: r.last_seq,
      deadlines: (r.deadlines as { kind: DeadlineKind; round: number; dueAt: string; metAt: string | null; breachedAt: string | null }[]).map((d) => ({
        kind: d.kind, round: d.round, dueAt: ms(d.dueAt) as number, metAt: ms(d.metAt), breachedAt: ms(d.breachedAt),
      })),
    };
  }

  /** The persisted timeline of a complaint, ordered by seq. */
  async timeline(complaintId: string): Promise<TimelineEventRecord[]> {
    const rows: { seq: number; at: Date; type: string; actor: string | null; data: Record<string, unknown> }[] = await this.db.query(
      `SELECT seq, at, type, actor, data FROM complaint_events WHERE complaint_id = $1 AND tenant_id = $2 ORDER BY seq`,
      [complaintId, ORG.tenantId],
    );
    return rows.map((e) => ({ seq: e.seq, at: new Date(e.at).getTime(), type: e.type, actor: e.actor, data: e.data }));
  }

  /** How many complaint rows exist for an idempotency key (one, or none). */
  async rowsForKey(idempotencyKey: string): Promise<number> {
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM complaints WHERE tenant_id = $1 AND idempotency_key = $2`, [ORG.tenantId, idempotencyKey]);
    return n;
  }
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
  const tenantId = opts.tenantId ?? ORG.tenantId;
  const complaintId = opts.complaintId ?? randomUUID();
  const intake: ComplaintIntake = {
    idempotencyKey: `key-${complaintId}`,
    branchId: ORG.branchId,
    companyId: ORG.companyId,
    branchCode: ORG.branchCode,
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
    firstContactOwnerId: USERS.firstContact,
    ...opts.intake,
  };
  return {
    tenantId, complaintId, intake, policy, policyVersion: 1, calendar: defaultBranchCalendar(),
    ...(opts.maxHistoryEvents !== undefined ? { maxHistoryEvents: opts.maxHistoryEvents } : {}),
  };
}

// --- environment ----------------------------------------------------------------------------------

/**
 * One per test file: connections to the shared Temporal dev server, and the file's own database
 * (migrated, with the organisation of ORG and USERS inserted).
 */
export class WorkflowTestBed {
  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly db: DataSource,
    readonly readModel: ReadModel,
    private readonly dropDatabase: () => Promise<void>,
    /** The application role's connection (row-level security applies): what the activities use, as in production. */
    readonly app: DataSource,
  ) {}

  static async create(label: string): Promise<WorkflowTestBed> {
    installTemporalRuntime();
    const database = await createTestDatabase(label);
    const db = await createDataSource(database.url).initialize();
    const app = await createDataSource(database.appUrl).initialize();
    await insertOrganisation(db, { ...ORG, users: { ...USERS } });
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: temporalAddress() });
    return new WorkflowTestBed(env, db, new ReadModel(db), database.drop, app);
  }

  async teardown(): Promise<void> {
    await this.env.teardown();
    await this.app.destroy();
    await this.db.destroy();
    await this.dropDatabase();
  }
}

/** The test file's Temporal connections and database. */
export function createEnv(label = 'workflow'): Promise<WorkflowTestBed> {
  return WorkflowTestBed.create(label);
}

/**
 * One worker on its own task queue, running the real activities (recorded) against the test file's
 * database. A test can stop and restart the worker (same queue, same recorder) to let timers fire
 * while no worker is polling.
 */
export class WorkerHarness {
  readonly taskQueue = `wf-test-${randomBytes(5).toString('hex')}`;
  readonly recorder: ActivityRecorder;
  private worker: { worker: Worker; running: Promise<void> } | null = null;
  private readonly workflowIds = new Set<string>();

  constructor(private readonly bed: WorkflowTestBed) {
    this.recorder = new ActivityRecorder(new ComplaintActivitiesService(bed.app));
  }

  get client(): Client {
    return this.bed.env.client;
  }

  get db(): DataSource {
    return this.bed.db;
  }

  static async start(bed: WorkflowTestBed): Promise<WorkerHarness> {
    const h = new WorkerHarness(bed);
    await h.startWorker();
    return h;
  }

  async startWorker(): Promise<void> {
    if (this.worker) return;
    const worker = await Worker.create({
      connection: this.bed.env.nativeConnection,
      namespace: 'default',
      taskQueue: this.taskQueue,
      workflowBundle: { codePath: workflowBundlePath() },
      // The escalations a complaint starts run on the same queue (real activities, not recorded).
      activities: {
        ...this.recorder.activities, ...escalationActivities(new EscalationActivitiesService(this.bed.app)),
        // Work orders started from the harness's complaints run here too (real activities on the application role).
        ...workOrderActivities(new WorkOrderActivitiesService(this.bed.app)),
      },
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

  /** The complaint's row in PostgreSQL (undefined: none). */
  row(complaintId: string): Promise<ComplaintRow | undefined> {
    return this.bed.readModel.row(complaintId);
  }

  /** The complaint's timeline in PostgreSQL, ordered by seq. */
  timeline(complaintId: string): Promise<TimelineEventRecord[]> {
    return this.bed.readModel.timeline(complaintId);
  }

  /**
   * Events the workflow wrote that PostgreSQL holds differently under the same seq (a seq reused for
   * another event: ON CONFLICT DO NOTHING would drop the second one silently).
   */
  async conflicts(complaintId: string): Promise<{ seq: number; kept: TimelineEventRecord | undefined; dropped: TimelineEventRecord }[]> {
    const stored = new Map((await this.timeline(complaintId)).map((e) => [e.seq, e]));
    const out: { seq: number; kept: TimelineEventRecord | undefined; dropped: TimelineEventRecord }[] = [];
    for (const w of this.recorder.committedWrites.filter((c) => c.complaintId === complaintId)) {
      for (const e of w.events) {
        const kept = stored.get(e.seq);
        if (!kept || !sameEvent(kept, e)) out.push({ seq: e.seq, kept, dropped: e });
      }
    }
    return out;
  }

  /** Intake exactly as the gateway does it: update-with-start, joining a running workflow. */
  async intake(input: ComplaintWorkflowInput): Promise<{ reference: string; complaintId: string; handle: WorkflowHandle<typeof complaintWorkflow> }> {
    const workflowId = complaintWorkflowId(input.tenantId, input.complaintId);
    this.workflowIds.add(workflowId);
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof complaintWorkflow>('complaintWorkflow', {
      workflowId, taskQueue: this.taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: tenantSearchAttributes(input.tenantId),
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

/** jsonb does not keep key order: compare events structurally. */
function sameEvent(a: TimelineEventRecord, b: TimelineEventRecord): boolean {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon)
      : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]))
        : v;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

/**
 * A workflow spec's setup, with Jest's hooks: the file's test bed (`suite.env`), and a fresh worker
 * for each test (`suite.h`) that is stopped after it.
 */
export function workflowSuite(label: string): { readonly env: WorkflowTestBed; readonly h: WorkerHarness } {
  const suite = {} as { env: WorkflowTestBed; h: WorkerHarness };
  beforeAll(async () => {
    suite.env = await createEnv(label);
  });
  afterAll(async () => {
    await suite.env?.teardown();
  });
  beforeEach(async () => {
    suite.h = await WorkerHarness.start(suite.env);
  });
  afterEach(async () => {
    await suite.h?.stop();
  });
  return suite;
}
