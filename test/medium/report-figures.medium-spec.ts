/**
 * The reports against a HAND-COMPUTED data set written straight into the reporting facts (and the
 * complaints, escalations and work-order attempts around them) of a real PostgreSQL, read as the
 * application role (row-level security applies); and the worker's fact upsert (idempotent, never
 * backwards, first instants kept).
 *
 * Every expected figure is worked out by hand in the comments next to it, from the table below.
 * All times are Asia/Shanghai (+08:00), the branches' zone.
 */
import { randomUUID } from 'crypto';
import { ComplaintActivitiesService } from '../../apps/worker/src/activities/complaint.activities';
import type { Principal } from '../../apps/gateway/src/auth/principal';
import { AppError } from '../../apps/gateway/src/common/app-error';
import { ReportsService } from '../../apps/gateway/src/reports/services/reports.service';
import { backfillReportFacts } from '../../libs/persistence/src/migrations/1763920000000-reporting';
import type { Category, DeadlineKind, Severity } from '../../libs/domain/src/enums';
import { RoleGrant, complaintScope, organisationScope } from '../../libs/domain/src/permissions/permission.util';
import {
  escalationReview, rankBranches, reportFigures, reportFiguresWithBranches, specialistScores, stageTimes,
} from '../../libs/persistence/src/report.repository';
import { MediumDatabase, SeededOrganisation, event, initialState, insertBranch, insertOrganisation, openDatabase, registerArgs } from './medium-support';

const at = (local: string): Date => new Date(`${local}:00+08:00`);
const ms = (local: string): number => at(local).getTime();
const TZ = 'Asia/Shanghai';
const OCTOBER = { fromMs: ms('2026-10-01T00:00'), toMs: ms('2026-11-01T00:00'), timeZone: TZ };
const NOVEMBER = { fromMs: ms('2026-11-01T00:00'), toMs: ms('2026-12-01T00:00'), timeZone: TZ };
const Q4 = { fromMs: ms('2026-10-01T00:00'), toMs: ms('2027-01-01T00:00'), timeZone: TZ };
const Q3 = { fromMs: ms('2026-07-01T00:00'), toMs: ms('2026-10-01T00:00'), timeZone: TZ };

type BranchKey = 'B1' | 'B2' | 'B3' | 'B4' | 'B5';
type Stage = [kind: DeadlineKind, round: number, started: string, due: string, completed: string | null, breached?: string];

interface FactSpec {
  branch: BranchKey;
  category: Category;
  severity?: Severity;
  peak?: Severity;
  hotOrMajorAt?: string;
  received: string;
  validity?: 'VALID' | 'INVALID';
  resolved?: string;
  calledBack?: string;
  satisfied?: boolean;
  reopened?: boolean;
  closed?: string;
  withdrawn?: boolean;
  merged?: boolean;
  overdue?: boolean;
  specialist: 'S1' | 'S2';
  specialReport?: string;
  stages?: Stage[];
}

/*
 * The data set (companies C1 = {B1, B2}, C2 = {B3, B4, B5}; specialists S1, S2):
 *
 * key  branch category              sev(peak)  received          validity resolved(first)  callback(first) last verdict reopened closed            other
 * K1   B1     PROPERTY_MANAGEMENT   GENERAL    10-03 10:00       VALID    10-04 10:00      10-05 10:00     satisfied    no       10-05 12:00       S1
 * K2   B1     PROPERTY_MANAGEMENT   GENERAL    10-09 09:00       VALID    10-10 10:00      10-11 10:00     satisfied    yes      10-14 12:00       S1 (unsatisfied 10-11, reopened, satisfied 10-14)
 * K3   B1     CUSTOMER_SERVICE      GENERAL    10-10 00:30       INVALID  10-10 03:00      —               —            no       10-10 08:00       S2 (UTC: 10-09 16:30)
 * K4   B2     CONSTRUCTION_QUALITY  GENERAL    10-30 20:00       VALID    11-02 10:00      11-03 10:00     satisfied    no       11-03 12:00       S2 (spans October and November)
 * K5   B2     PROPERTY_MANAGEMENT   GENERAL    10-12 10:00       VALID    —                —               —            no       —                 S1 WITHDRAWN
 * K6   B3     PROPERTY_MANAGEMENT   HOT        10-15 10:00       VALID    10-20 10:00      10-21 10:00     unsatisfied  yes      open, OVERDUE     S2 HOT at 10-15 12:00; escalations: 1 acknowledged, 1 open
 * K7   B4     SALES                 MAJOR      10-16 09:00       VALID    10-18 10:00      11-01 10:00     satisfied    no       11-01 10:00       S2 MAJOR from intake; 1 escalation acknowledged; special report 10-22
 * K8   B3     OTHER                 GENERAL    10-25 10:00       VALID    —                —               —            no       open              S1
 * K9   B1     PROPERTY_MANAGEMENT   GENERAL    10-09 11:00       VALID    —                —               —            no       —                 S1 MERGED
 * K10  B1     PROPERTY_MANAGEMENT   IMPORTANT  11-05 09:00       VALID    11-06 10:00      11-07 10:00     satisfied    no       11-07 12:00       S1
 * K11  B3     PROPERTY_MANAGEMENT   GENERAL    11-20 09:00       VALID    11-21 10:00      11-22 10:00     unsatisfied  yes      open              S1
 * K12  B4     CUSTOMER_SERVICE      HOT        09-28 10:00       VALID    —                —               —            no       open, OVERDUE     S2 HOT at 11-10 10:00 (received in Q3); no escalation
 * P1   B1     PROPERTY_MANAGEMENT   GENERAL    09-10 10:00       VALID    09-11 10:00      09-12 10:00     satisfied    no       09-12 12:00       S1
 * P2   B2     PROPERTY_MANAGEMENT   GENERAL    09-10 10:00       VALID    09-11 10:00      09-12 10:00     unsatisfied  yes      open              S1
 * P3   B3     PROPERTY_MANAGEMENT   GENERAL    09-10 10:00       VALID    09-11 10:00      09-12 10:00     satisfied    no       09-12 12:00       S1
 * P4   B4     PROPERTY_MANAGEMENT   GENERAL    09-05 10:00       VALID    09-06 10:00      09-07 10:00     unsatisfied  yes      open              S2
 * P5   B4     PROPERTY_MANAGEMENT   GENERAL    09-05 11:00       VALID    09-06 10:00      09-07 10:00     satisfied    no       09-07 12:00       S2
 *
 * Stages (deadlines; minutes = completed − started):
 * K1  FORWARD 10-03 10:00 due 10:30 done 10:20 (20, on time); ACKNOWLEDGE 10:20 due 14:20 done 11:20 (60, on time);
 *     RESOLUTION 10:20 due 10-05 10:20 done 10-04 10:00 (1420, on time)
 * K2  FORWARD 10-09 09:00 due 09:30 done 10:00 (60, late); RESOLUTION r1 10-09 10:00 due 10-11 10:00 done 10-10 10:00 (1440, on time);
 *     RESOLUTION r2 10-11 10:00 due 10-13 10:00 done 10-14 09:00 (4260, late)
 * K4  FORWARD 10-30 20:00 due 20:30 done 20:40 (40, late); RESOLUTION 10-30 20:40 due 11-01 20:40 done 11-02 10:00 (3680, late, in November)
 * K6  FORWARD 10-15 10:00 due 10:30 done 10:10 (10, on time); RESOLUTION r2 10-21 10:00 due 10-23 10:00 open, breached 10-23 10:00
 * K7  FORWARD 10-16 09:00 due 09:30 done 09:30 (30, on time: exactly at its due time)
 * K10 FORWARD 11-05 09:00 due 09:30 done 09:15 (15, on time)
 * K11 FORWARD 11-20 09:00 due 09:30 done 09:45 (45, late)
 *
 * Work-order attempts (branch B1): K1's order completed 10-04 (not reopened); K2's order attempt 1 completed 10-10
 * (reopened), attempt 2 completed 10-13 (not reopened); K10's order completed 11-06 (not reopened).
 */
const FACTS: Record<string, FactSpec> = {
  K1: {
    branch: 'B1', category: 'PROPERTY_MANAGEMENT', received: '2026-10-03T10:00', validity: 'VALID', resolved: '2026-10-04T10:00',
    calledBack: '2026-10-05T10:00', satisfied: true, closed: '2026-10-05T12:00', specialist: 'S1',
    stages: [
      ['FORWARD', 1, '2026-10-03T10:00', '2026-10-03T10:30', '2026-10-03T10:20'],
      ['ACKNOWLEDGE', 1, '2026-10-03T10:20', '2026-10-03T14:20', '2026-10-03T11:20'],
      ['RESOLUTION', 1, '2026-10-03T10:20', '2026-10-05T10:20', '2026-10-04T10:00'],
    ],
  },
  K2: {
    branch: 'B1', category: 'PROPERTY_MANAGEMENT', received: '2026-10-09T09:00', validity: 'VALID', resolved: '2026-10-10T10:00',
    calledBack: '2026-10-11T10:00', satisfied: true, reopened: true, closed: '2026-10-14T12:00', specialist: 'S1',
    stages: [
      ['FORWARD', 1, '2026-10-09T09:00', '2026-10-09T09:30', '2026-10-09T10:00', '2026-10-09T09:30'],
      ['RESOLUTION', 1, '2026-10-09T10:00', '2026-10-11T10:00', '2026-10-10T10:00'],
      ['RESOLUTION', 2, '2026-10-11T10:00', '2026-10-13T10:00', '2026-10-14T09:00', '2026-10-13T10:00'],
    ],
  },
  K3: {
    branch: 'B1', category: 'CUSTOMER_SERVICE', received: '2026-10-10T00:30', validity: 'INVALID', resolved: '2026-10-10T03:00',
    closed: '2026-10-10T08:00', specialist: 'S2',
  },
  K4: {
    branch: 'B2', category: 'CONSTRUCTION_QUALITY', received: '2026-10-30T20:00', validity: 'VALID', resolved: '2026-11-02T10:00',
    calledBack: '2026-11-03T10:00', satisfied: true, closed: '2026-11-03T12:00', specialist: 'S2',
    stages: [
      ['FORWARD', 1, '2026-10-30T20:00', '2026-10-30T20:30', '2026-10-30T20:40', '2026-10-30T20:30'],
      ['RESOLUTION', 1, '2026-10-30T20:40', '2026-11-01T20:40', '2026-11-02T10:00', '2026-11-01T20:40'],
    ],
  },
  K5: { branch: 'B2', category: 'PROPERTY_MANAGEMENT', received: '2026-10-12T10:00', validity: 'VALID', withdrawn: true, specialist: 'S1' },
  K6: {
    branch: 'B3', category: 'PROPERTY_MANAGEMENT', severity: 'HOT', hotOrMajorAt: '2026-10-15T12:00', received: '2026-10-15T10:00', validity: 'VALID',
    resolved: '2026-10-20T10:00', calledBack: '2026-10-21T10:00', satisfied: false, reopened: true, overdue: true, specialist: 'S2',
    stages: [
      ['FORWARD', 1, '2026-10-15T10:00', '2026-10-15T10:30', '2026-10-15T10:10'],
      ['RESOLUTION', 2, '2026-10-21T10:00', '2026-10-23T10:00', null, '2026-10-23T10:00'],
    ],
  },
  K7: {
    branch: 'B4', category: 'SALES', severity: 'MAJOR', hotOrMajorAt: '2026-10-16T09:00', received: '2026-10-16T09:00', validity: 'VALID',
    resolved: '2026-10-18T10:00', calledBack: '2026-11-01T10:00', satisfied: true, closed: '2026-11-01T10:00', specialist: 'S2',
    specialReport: '2026-10-22T10:00',
    stages: [['FORWARD', 1, '2026-10-16T09:00', '2026-10-16T09:30', '2026-10-16T09:30']],
  },
  K8: { branch: 'B3', category: 'OTHER', received: '2026-10-25T10:00', validity: 'VALID', specialist: 'S1' },
  K9: { branch: 'B1', category: 'PROPERTY_MANAGEMENT', received: '2026-10-09T11:00', validity: 'VALID', merged: true, specialist: 'S1' },
  K10: {
    branch: 'B1', category: 'PROPERTY_MANAGEMENT', severity: 'IMPORTANT', received: '2026-11-05T09:00', validity: 'VALID', resolved: '2026-11-06T10:00',
    calledBack: '2026-11-07T10:00', satisfied: true, closed: '2026-11-07T12:00', specialist: 'S1',
    stages: [['FORWARD', 1, '2026-11-05T09:00', '2026-11-05T09:30', '2026-11-05T09:15']],
  },
  K11: {
    branch: 'B3', category: 'PROPERTY_MANAGEMENT', received: '2026-11-20T09:00', validity: 'VALID', resolved: '2026-11-21T10:00',
    calledBack: '2026-11-22T10:00', satisfied: false, reopened: true, specialist: 'S1',
    stages: [['FORWARD', 1, '2026-11-20T09:00', '2026-11-20T09:30', '2026-11-20T09:45', '2026-11-20T09:30']],
  },
  K12: {
    branch: 'B4', category: 'CUSTOMER_SERVICE', severity: 'HOT', hotOrMajorAt: '2026-11-10T10:00', received: '2026-09-28T10:00', validity: 'VALID',
    overdue: true, specialist: 'S2',
  },
  P1: {
    branch: 'B1', category: 'PROPERTY_MANAGEMENT', received: '2026-09-10T10:00', validity: 'VALID', resolved: '2026-09-11T10:00',
    calledBack: '2026-09-12T10:00', satisfied: true, closed: '2026-09-12T12:00', specialist: 'S1',
  },
  P2: {
    branch: 'B2', category: 'PROPERTY_MANAGEMENT', received: '2026-09-10T10:00', validity: 'VALID', resolved: '2026-09-11T10:00',
    calledBack: '2026-09-12T10:00', satisfied: false, reopened: true, specialist: 'S1',
  },
  P3: {
    branch: 'B3', category: 'PROPERTY_MANAGEMENT', received: '2026-09-10T10:00', validity: 'VALID', resolved: '2026-09-11T10:00',
    calledBack: '2026-09-12T10:00', satisfied: true, closed: '2026-09-12T12:00', specialist: 'S1',
  },
  P4: {
    branch: 'B4', category: 'PROPERTY_MANAGEMENT', received: '2026-09-05T10:00', validity: 'VALID', resolved: '2026-09-06T10:00',
    calledBack: '2026-09-07T10:00', satisfied: false, reopened: true, specialist: 'S2',
  },
  P5: {
    branch: 'B4', category: 'PROPERTY_MANAGEMENT', received: '2026-09-05T11:00', validity: 'VALID', resolved: '2026-09-06T10:00',
    calledBack: '2026-09-07T10:00', satisfied: true, closed: '2026-09-07T12:00', specialist: 'S2',
  },
};

let m: MediumDatabase;
let org: SeededOrganisation;
let other: SeededOrganisation;
const branches = {} as Record<BranchKey, string>;
let c2: string;
const ids: Record<string, string> = {};
let reports: ReportsService;

const tenantOf = (): string => org.tenantId;

function principal(userId: string, tenantId: string, roles: RoleGrant[]): Principal {
  const { wholeTenant, branchIds, companyIds } = organisationScope({ roles });
  return { userId, tenantId, platformAdmin: false, roles, wholeTenant, branchIds, companyIds, complaintScope: complaintScope({ roles }) };
}

async function insertFact(key: string, f: FactSpec): Promise<void> {
  const id = randomUUID();
  ids[key] = id;
  const branchId = branches[f.branch];
  const companyId = ['B1', 'B2'].includes(f.branch) ? org.companyId : c2;
  const specialist = org.users[f.specialist];
  const status = f.withdrawn ? 'WITHDRAWN' : f.merged ? 'MERGED' : f.closed ? 'CLOSED' : 'IN_PROGRESS';
  const severity = f.severity ?? 'GENERAL';
  await m.db.query(
    `INSERT INTO complaints (id, tenant_id, company_id, branch_id, reference, idempotency_key, workflow_id, channel, kind, category, severity,
       emergency, validity, responsibility, status, round, description, households_affected, complainant_name, first_contact_owner_id, owner_id,
       received_at, resolved_at, closed_at, policy_version, last_seq, overdue)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'PHONE', 'COMPLAINT', $8, $9, false, $10, 'RESPONSIBLE', $11, $12, $13, 1, $14, $15, $15, $16, $17, $18, 1, 20, $19)`,
    [id, org.tenantId, companyId, branchId, `R-${key}`, `key-${key}`, `complaint/${id}`, f.category, severity, f.validity ?? 'UNDETERMINED', status,
      f.reopened ? 2 : 1, `Complaint ${key}`, `Complainant ${key}`, specialist, at(f.received), f.resolved ? at(f.resolved) : null,
      f.closed ? at(f.closed) : f.withdrawn || f.merged ? at(f.received) : null, f.overdue ?? false],
  );
  await m.db.query(
    `INSERT INTO report_complaint_facts (tenant_id, complaint_id, company_id, branch_id, category, kind, severity, peak_severity, hot_or_major_at,
       received_at, valid, invalid, resolved_at, called_back_at, satisfied, reopened, closed_at, withdrawn, merged, open, overdue, dispatcher_id,
       specialist_id, escalation_count, special_report_at, updated_seq)
     VALUES ($1, $2, $3, $4, $5, 'COMPLAINT', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, 0, $23, 20)`,
    [org.tenantId, id, companyId, branchId, f.category, severity, f.peak ?? severity, f.hotOrMajorAt ? at(f.hotOrMajorAt) : null, at(f.received),
      f.validity === 'VALID', f.validity === 'INVALID', f.resolved ? at(f.resolved) : null, f.calledBack ? at(f.calledBack) : null,
      f.satisfied ?? null, f.reopened ?? false, f.closed ? at(f.closed) : null, f.withdrawn ?? false, f.merged ?? false,
      !(f.closed || f.withdrawn || f.merged), f.overdue ?? false, org.users.D1, specialist, f.specialReport ? at(f.specialReport) : null],
  );
  for (const [kind, round, started, due, completed, breached] of f.stages ?? []) {
    await m.db.query(
      `INSERT INTO report_stage_facts (tenant_id, complaint_id, kind, round, started_at, due_at, completed_at, breached_at, met_on_time, actor_id,
         company_id, branch_id, category, severity_at_completion, updated_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 20)`,
      [org.tenantId, id, kind, round, at(started), at(due), completed ? at(completed) : null, breached ? at(breached) : null,
        completed ? ms(completed) <= ms(due) : null, completed ? org.users.H1 : null, companyId, branchId, f.category, completed ? severity : null],
    );
  }
}

async function insertEscalation(key: string, step: number, raised: string, acknowledged: string | null): Promise<void> {
  await m.db.query(
    `INSERT INTO escalations (id, tenant_id, complaint_id, workflow_id, step, trigger, reason, level, notified_user_ids, raised_at, ack_due_at,
       acknowledged_at, acknowledged_by, policy)
     VALUES ($1, $2, $3, $4, $5, 'HOT_OR_MAJOR', 'HOT_OR_MAJOR', 'BRANCH_MANAGER', $6::uuid[], $7, $8, $9, $10, '{}'::jsonb)`,
    [randomUUID(), org.tenantId, ids[key], `escalation/${ids[key]}`, step, [org.users.HO], at(raised), new Date(ms(raised) + 3600_000),
      acknowledged ? at(acknowledged) : null, acknowledged ? org.users.HO : null],
  );
}

async function insertWorkOrder(key: string, attempts: { completed: string; reopened: boolean }[]): Promise<void> {
  const id = randomUUID();
  const complaintId = ids[key];
  const issued = attempts[0].completed.slice(0, 10) + 'T08:00';
  await m.db.query(
    `INSERT INTO work_orders (id, tenant_id, complaint_id, branch_id, company_id, workflow_id, trade, contractor_id, status, description, issued_at, state)
     VALUES ($1, $2, $3, $4, $5, $6, 'PLUMBING', $7, 'COMPLETED', 'fix the pipe', $8, '{}'::jsonb)`,
    [id, org.tenantId, complaintId, branches.B1, org.companyId, `work-order/${id}`, org.users.K, at(issued)],
  );
  let n = 0;
  for (const a of attempts) {
    n += 1;
    await m.db.query(
      `INSERT INTO work_order_attempts (tenant_id, work_order_id, attempt, contractor_id, branch_id, company_id, trade, cause, started_at, contact_due_at,
         completed_at, reopened)
       VALUES ($1, $2, $3, $4, $5, $6, 'PLUMBING', 'ISSUED', $7, $8, $9, $10)`,
      [org.tenantId, id, n, org.users.K, branches.B1, org.companyId, at(issued), new Date(ms(issued) + 1800_000), at(a.completed), a.reopened],
    );
  }
}

beforeAll(async () => {
  m = await openDatabase('medium_report_figures');
  org = await insertOrganisation(m.db, { branchCode: 'B1', users: ['S1', 'S2', 'D1', 'H1', 'K', 'HO', 'CM2', 'BM1', 'HA1'] });
  other = await insertOrganisation(m.db, { branchCode: 'X1', users: ['XHO'] });
  branches.B1 = org.branchId;
  branches.B2 = await insertBranch(m.db, org, 'B2');
  c2 = randomUUID();
  await m.db.query(`INSERT INTO companies (id, tenant_id, name) VALUES ($1, $2, 'Second Company')`, [c2, org.tenantId]);
  branches.B3 = await insertBranch(m.db, { tenantId: org.tenantId, companyId: c2 }, 'B3');
  branches.B4 = await insertBranch(m.db, { tenantId: org.tenantId, companyId: c2 }, 'B4');
  branches.B5 = await insertBranch(m.db, { tenantId: org.tenantId, companyId: c2 }, 'B5');
  for (const [key, f] of Object.entries(FACTS)) await insertFact(key, f);
  await insertEscalation('K6', 1, '2026-10-15T12:00', '2026-10-15T12:30');
  await insertEscalation('K6', 2, '2026-10-23T10:00', null);
  await insertEscalation('K7', 1, '2026-10-16T09:00', '2026-10-16T09:20');
  await insertWorkOrder('K1', [{ completed: '2026-10-04T09:00', reopened: false }]);
  await insertWorkOrder('K2', [{ completed: '2026-10-10T09:00', reopened: true }, { completed: '2026-10-13T09:00', reopened: false }]);
  await insertWorkOrder('K10', [{ completed: '2026-11-06T09:00', reopened: false }]);
  reports = new ReportsService(m.app);
}, 120_000);

afterAll(async () => {
  await m?.close();
});

const headOffice = (): Principal => principal(org.users.HO, org.tenantId, [{ role: 'HEAD_OFFICE', companyId: null, branchId: null }]);

describe('monthly figures (hand-computed)', () => {
  it('October, the whole tenant', async () => {
    const f = await reportFigures(m.app, tenantOf(), OCTOBER);
    expect(f).toMatchObject({
      // Received in October, withdrawn K5 and merged K9 left out: K1 K2 K3 K4 K6 K7 K8.
      received: 7,
      valid: 6, // all but K3
      invalid: 1, // K3
      // Valid received in October and first resolved by Nov 1: K1 (10-04), K2 (10-10), K6 (10-20), K7 (10-18); K4 resolved 11-02, K8 never.
      resolved: 4,
      processingRate: 4 / 6,
      // Received in October and closed by Nov 1: K1, K2, K3; K7 closed 11-01 10:00, K4 11-03.
      closed: 3,
      // First resolved in October: K1, K2, K3, K6, K7 (any validity); reopened: K2, K6.
      resolvedInPeriod: 5,
      reopened: 2,
      reopenRate: 2 / 5,
      // Valid and first resolved in October: K1, K2, K6, K7; called back before Nov 1: K1, K2, K6 (K7 on 11-01).
      validResolvedInPeriod: 4,
      calledBack: 3,
      callbackRate: 3 / 4,
      // First called back in October: K1 (satisfied), K2 (last verdict satisfied), K6 (unsatisfied).
      callbacks: 3,
      satisfied: 2,
      satisfactionRate: 2 / 3,
      // Stages completed in October: K1×3 (on time), K2 FORWARD (late), K2 RESOLUTION r1 (on time), r2 (late), K4 FORWARD (late),
      // K6 FORWARD (on time), K7 FORWARD (on time, exactly at due) = 9, of which 6 on time.
      stagesCompleted: 9,
      stagesOnTime: 6,
      timelinessRate: 6 / 9,
      // Attempts completed in October: 10-04 (first time), 10-10 (reopened), 10-13 (first time).
      workOrdersCompleted: 3,
      workOrdersFixedFirstTime: 2,
      firstTimeFixRate: 2 / 3,
      // Open with a breached unmet deadline, now: K6, K12.
      overdueOpen: 2,
      fromMs: OCTOBER.fromMs, toMs: OCTOBER.toMs, timeZone: TZ,
    });
    // Per category (rows of October: K1 K2 K3 K4 K6 K7 K8):
    expect(f.byCategory).toEqual({
      // K4: received, valid, not resolved by Nov 1.
      CONSTRUCTION_QUALITY: { received: 1, valid: 1, resolved: 0, processingRate: 0, callbacks: 0, satisfied: 0, satisfactionRate: 0 },
      // K3: invalid.
      CUSTOMER_SERVICE: { received: 1, valid: 0, resolved: 0, processingRate: 0, callbacks: 0, satisfied: 0, satisfactionRate: 0 },
      // K8: never resolved.
      OTHER: { received: 1, valid: 1, resolved: 0, processingRate: 0, callbacks: 0, satisfied: 0, satisfactionRate: 0 },
      // K1 K2 K6 received (valid; K5 withdrawn, K9 merged), all three resolved; callbacks K1 K2 K6, satisfied K1 K2.
      PROPERTY_MANAGEMENT: { received: 3, valid: 3, resolved: 3, processingRate: 1, callbacks: 3, satisfied: 2, satisfactionRate: 2 / 3 },
      // K7: resolved 10-18; its callback is in November.
      SALES: { received: 1, valid: 1, resolved: 1, processingRate: 1, callbacks: 0, satisfied: 0, satisfactionRate: 0 },
    });
    expect(f.bySeverity).toEqual({
      // K1 K2 K3 K4 K8: valid K1 K2 K4 K8, resolved K1 K2; callbacks K1 K2 both satisfied.
      GENERAL: { received: 5, valid: 4, resolved: 2, processingRate: 2 / 4, callbacks: 2, satisfied: 2, satisfactionRate: 1 },
      HOT: { received: 1, valid: 1, resolved: 1, processingRate: 1, callbacks: 1, satisfied: 0, satisfactionRate: 0 }, // K6
      MAJOR: { received: 1, valid: 1, resolved: 1, processingRate: 1, callbacks: 0, satisfied: 0, satisfactionRate: 0 }, // K7
    });
  });

  it('November, the whole tenant: the complaint received in October and resolved in November counts in November\'s callbacks', async () => {
    const f = await reportFigures(m.app, tenantOf(), NOVEMBER);
    expect(f).toMatchObject({
      received: 2, valid: 2, invalid: 0, // K10, K11
      resolved: 2, processingRate: 1, // K10 (11-06), K11 (11-21)
      closed: 1, // K10; K11 reopened and open
      resolvedInPeriod: 3, reopened: 1, reopenRate: 1 / 3, // K4 (11-02), K10, K11; K11 reopened
      validResolvedInPeriod: 3, calledBack: 3, callbackRate: 1, // K4 (11-03), K10 (11-07), K11 (11-22)
      callbacks: 4, satisfied: 3, satisfactionRate: 3 / 4, // K7 (11-01), K4, K10 satisfied; K11 unsatisfied
      stagesCompleted: 3, stagesOnTime: 1, timelinessRate: 1 / 3, // K4 RESOLUTION (late), K10 FORWARD (on time), K11 FORWARD (late)
      workOrdersCompleted: 1, workOrdersFixedFirstTime: 1, firstTimeFixRate: 1, // 11-06
      overdueOpen: 2,
    });
    expect(f.byCategory).toEqual({
      // K4: received in October (not counted as received here); its callback on 11-03 is November's.
      CONSTRUCTION_QUALITY: { received: 0, valid: 0, resolved: 0, processingRate: 0, callbacks: 1, satisfied: 1, satisfactionRate: 1 },
      PROPERTY_MANAGEMENT: { received: 2, valid: 2, resolved: 2, processingRate: 1, callbacks: 2, satisfied: 1, satisfactionRate: 1 / 2 }, // K10, K11
      SALES: { received: 0, valid: 0, resolved: 0, processingRate: 0, callbacks: 1, satisfied: 1, satisfactionRate: 1 }, // K7's callback
    });
    expect(f.bySeverity).toEqual({
      GENERAL: { received: 1, valid: 1, resolved: 1, processingRate: 1, callbacks: 2, satisfied: 1, satisfactionRate: 1 / 2 }, // K11; callbacks K4, K11
      IMPORTANT: { received: 1, valid: 1, resolved: 1, processingRate: 1, callbacks: 1, satisfied: 1, satisfactionRate: 1 }, // K10
      MAJOR: { received: 0, valid: 0, resolved: 0, processingRate: 0, callbacks: 1, satisfied: 1, satisfactionRate: 1 }, // K7
    });
  });

  it('October for one branch (B1) and for one company (C2)', async () => {
    const b1 = await reportFigures(m.app, tenantOf(), { ...OCTOBER, branchIds: [branches.B1] });
    expect(b1).toMatchObject({
      received: 3, valid: 2, invalid: 1, // K1 K2 K3 (K9 merged)
      resolved: 2, processingRate: 1, closed: 3,
      resolvedInPeriod: 3, reopened: 1, reopenRate: 1 / 3, // K1 K2 K3; K2 reopened
      validResolvedInPeriod: 2, calledBack: 2, callbackRate: 1, callbacks: 2, satisfied: 2, satisfactionRate: 1,
      stagesCompleted: 6, stagesOnTime: 4, timelinessRate: 4 / 6, // K1×3 on time, K2 FORWARD late, r1 on time, r2 late
      workOrdersCompleted: 3, workOrdersFixedFirstTime: 2, firstTimeFixRate: 2 / 3,
      overdueOpen: 0,
    });
    const company2 = await reportFigures(m.app, tenantOf(), { ...OCTOBER, companyIds: [c2] });
    expect(company2).toMatchObject({
      received: 3, valid: 3, invalid: 0, // K6 K7 K8
      resolved: 2, processingRate: 2 / 3, closed: 0, // K6 K7 resolved; K7 closed 11-01
      resolvedInPeriod: 2, reopened: 1, reopenRate: 1 / 2,
      validResolvedInPeriod: 2, calledBack: 1, callbackRate: 1 / 2, // K6 called back 10-21; K7 on 11-01
      callbacks: 1, satisfied: 0, satisfactionRate: 0,
      stagesCompleted: 2, stagesOnTime: 2, timelinessRate: 1, // K6 FORWARD, K7 FORWARD
      workOrdersCompleted: 0, firstTimeFixRate: 0, // nothing to count: 0
      overdueOpen: 2, // K6 (B3), K12 (B4)
    });
  });
});

describe('a day and a half month', () => {
  it('2026-10-10 for B1, in the branch\'s time zone (K3 was received at 00:30 local, still the 9th in UTC)', async () => {
    const f = await reports.daily(headOffice(), { date: '2026-10-10', branchId: branches.B1 });
    expect(f).toMatchObject({
      received: 1, valid: 0, invalid: 1, // K3
      resolved: 0, processingRate: 0,
      closed: 1, // K3 closed 08:00
      resolvedInPeriod: 2, reopened: 1, reopenRate: 1 / 2, // K3 (03:00), K2 (10:00, later reopened)
      validResolvedInPeriod: 1, calledBack: 0, callbackRate: 0, // K2: called back on the 11th
      callbacks: 0, satisfactionRate: 0,
      stagesCompleted: 1, stagesOnTime: 1, timelinessRate: 1, // K2 RESOLUTION r1 at 10:00
      workOrdersCompleted: 1, workOrdersFixedFirstTime: 0, firstTimeFixRate: 0, // K2's first attempt, reopened
      timeZone: TZ, from: at('2026-10-10T00:00'), to: at('2026-10-11T00:00'),
    });
    expect(f.branch?.id).toBe(branches.B1);
  });

  it('the second half of October (16th–31st), the whole tenant', async () => {
    const f = await reports.halfMonthly(headOffice(), { month: '2026-10', half: 2 });
    expect(f).toMatchObject({
      received: 3, valid: 3, invalid: 0, // K4 (10-30), K7 (10-16), K8 (10-25); K6 was received on the 15th
      resolved: 1, processingRate: 1 / 3, // K7
      closed: 0,
      resolvedInPeriod: 2, reopened: 1, reopenRate: 1 / 2, // K6 (10-20), K7 (10-18)
      validResolvedInPeriod: 2, calledBack: 1, callbackRate: 1 / 2, // K6 (10-21); K7 on 11-01, after the half
      callbacks: 1, satisfied: 0, satisfactionRate: 0, // K6
      stagesCompleted: 2, stagesOnTime: 1, timelinessRate: 1 / 2, // K7 FORWARD (on time), K4 FORWARD (late)
      workOrdersCompleted: 0, firstTimeFixRate: 0,
      from: at('2026-10-16T00:00'), to: at('2026-11-01T00:00'),
    });
  });
});

describe('branch ranking (003 第三部分)', () => {
  it('2026-Q4: by satisfaction, then processing, then code; bottom three and top improvers vs Q3', async () => {
    // Q4 per branch:  B1 callbacks K1 K2 K10 all satisfied (1), processing 3/3 (1)
    //                 B2 callbacks K4 satisfied (1), processing 1/1 (K4 resolved 11-02)
    //                 B3 callbacks K6 K11 unsatisfied (0), processing K6 K11 of K6 K8 K11 (2/3)
    //                 B4 callbacks K7 satisfied (1), processing 1/1
    //                 B5 nothing (0, 0)
    // → B1, B2, B4 (tied at 1 and 1: by code), B3, B5; bottom three: B4, B3, B5.
    // Q3 satisfaction: B1 1 (P1), B2 0 (P2), B3 1 (P3), B4 1/2 (P4, P5), B5 none.
    // Change: B1 0, B2 +1, B3 −1, B4 +1/2, B5 null → top improvers (increase > 0): B2, B4.
    const ranked = await reports.branchRanking(headOffice(), { period: '2026-Q4' });
    expect(ranked.map((r) => [r.branch.code, r.rank, r.bottomThree, r.topImprover, r.satisfactionChange])).toEqual([
      ['B1', 1, false, false, 0],
      ['B2', 2, false, true, 1],
      ['B4', 3, true, true, 0.5],
      ['B3', 4, true, false, -1],
      ['B5', 5, true, false, null],
    ]);
    expect(ranked.map((r) => [r.figures.satisfactionRate, r.figures.processingRate])).toEqual([[1, 1], [1, 1], [1, 1], [0, 2 / 3], [0, 0]]);
    // One company: C2's three branches, no bottom three below 4 branches.
    const c2Ranked = await reports.branchRanking(headOffice(), { period: '2026-Q4', companyId: c2 });
    expect(c2Ranked.map((r) => [r.branch.code, r.rank, r.bottomThree, r.topImprover])).toEqual([['B4', 1, false, true], ['B3', 2, false, false], ['B5', 3, false, false]]);
  });

  it('the pure ranking marks no bottom three under four branches, and at most three improvers', async () => {
    const q4 = await reportFiguresWithBranches(m.app, tenantOf(), Q4);
    const q3 = await reportFiguresWithBranches(m.app, tenantOf(), Q3);
    expect(rankBranches(q4.branches.slice(0, 3), q3.branches).some((r) => r.bottomThree)).toBe(false);
    expect(rankBranches(q4.branches, q3.branches).filter((r) => r.topImprover)).toHaveLength(2);
  });
});

describe('quarterly escalation review', () => {
  it('2026-Q4: every HOT or MAJOR complaint of the quarter with its escalations, special report, age and month', async () => {
    const now = ms('2026-12-01T00:00');
    const review = await escalationReview(m.app, tenantOf(), Q4, now);
    expect(review.items.map((i) => [i.complaintId, i.peakSeverity, i.month, i.escalations, i.escalationStatus, i.specialReportSubmitted, i.ageDays])).toEqual([
      // K12: received 09-28 10:00, HOT on 11-10 (in the quarter): month 2026-11; open: 09-28 10:00 → 12-01 00:00 = 63 d 14 h.
      [ids.K12, 'HOT', '2026-11', 0, 'NONE', false, 63],
      // K6: HOT 10-15; one escalation acknowledged, one open; open: 10-15 10:00 → 12-01 00:00 = 46 d 14 h.
      [ids.K6, 'HOT', '2026-10', 2, 'OPEN', false, 46],
      // K7: MAJOR from intake 10-16; its one escalation acknowledged; special report; closed 11-01 10:00: 16 d 1 h.
      [ids.K7, 'MAJOR', '2026-10', 1, 'ACKNOWLEDGED', true, 16],
    ]);
    expect(review.byMonth).toEqual({
      '2026-10': { complaints: 2, hot: 1, major: 1, escalated: 2, specialReports: 1 },
      '2026-11': { complaints: 1, hot: 1, major: 0, escalated: 0, specialReports: 0 },
    });
    // Through the service: the complaints themselves, their branches, the quarter's figures by branch.
    const dto = await reports.quarterlyEscalationReview(headOffice(), { quarter: '2026-Q4' });
    expect(dto.complaints.map((c) => c.reference)).toEqual(['R-K12', 'R-K6', 'R-K7']);
    expect(dto.items.map((i) => [i.branch.code, i.escalationStatus, i.month])).toEqual([['B4', 'NONE', '2026-11'], ['B3', 'OPEN', '2026-10'], ['B4', 'ACKNOWLEDGED', '2026-10']]);
    expect(dto.byBranch.map((b) => b.branch.code)).toEqual(['B1', 'B2', 'B4', 'B3', 'B5']);
    // Q4 received: K1 K2 K3 K4 K6 K7 K8 K10 K11 = 9.
    expect(dto.figures.received).toBe(9);
    // C2 only: K12, K6, K7 are all C2's; C1's review is empty.
    expect((await reports.quarterlyEscalationReview(headOffice(), { quarter: '2026-Q4', companyId: org.companyId })).items).toEqual([]);
  });
});

describe('specialist scorecard and stage times', () => {
  it('October closure rate per specialist', async () => {
    // S1: received K1 K2 K8 (K5 withdrawn, K9 merged), closed K1 K2 → 2/3.  S2: received K3 K4 K6 K7, closed K3 → 1/4.
    const rows = await specialistScores(m.app, tenantOf(), OCTOBER);
    expect(rows.map((r) => [r.name, r.received, r.closed, r.closureRate])).toEqual([['S1', 3, 2, 2 / 3], ['S2', 4, 1, 1 / 4]]);
  });

  it('October average and 90th-percentile minutes per stage', async () => {
    const rows = await stageTimes(m.app, tenantOf(), OCTOBER);
    expect(rows).toEqual([
      // FORWARD: 10 (K6), 20 (K1), 30 (K7), 40 (K4), 60 (K2): average 160/5 = 32;
      // p90 = percentile_cont: position 0.9 × 4 = 3.6 → 40 + 0.6 × (60 − 40) = 52; on time K1 K6 K7 = 3/5.
      { kind: 'FORWARD', completed: 5, onTime: 3, averageMinutes: 32, p90Minutes: 52, onTimeRate: 3 / 5 },
      { kind: 'ACKNOWLEDGE', completed: 1, onTime: 1, averageMinutes: 60, p90Minutes: 60, onTimeRate: 1 }, // K1
      // RESOLUTION: 1420 (K1), 1440 (K2 r1), 4260 (K2 r2): average 7120/3; p90: position 1.8 → 1440 + 0.8 × 2820 = 3696; on time 2/3.
      { kind: 'RESOLUTION', completed: 3, onTime: 2, averageMinutes: 7120 / 3, p90Minutes: 3696, onTimeRate: 2 / 3 },
    ].map((r) => ({ ...r, averageMinutes: expect.closeTo(r.averageMinutes, 9), p90Minutes: expect.closeTo(r.p90Minutes, 9) })));
  });
});

describe('scope', () => {
  const code = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
      return 'OK';
    } catch (e) {
      return e instanceof AppError ? e.code : String(e);
    }
  };

  it('a branch manager gets their branch; a company manager their company; handlers are refused; other ids are NOT_FOUND', async () => {
    const bm1 = principal(org.users.BM1, org.tenantId, [{ role: 'BRANCH_MANAGER', companyId: org.companyId, branchId: branches.B1 }]);
    const mine = await reports.monthly(bm1, { month: '2026-10' });
    expect(mine.received).toBe(3); // B1: K1 K2 K3
    expect(await code(reports.monthly(bm1, { month: '2026-10', branchId: branches.B3 }))).toBe('NOT_FOUND');
    expect(await code(reports.monthly(bm1, { month: '2026-10', companyId: c2 }))).toBe('NOT_FOUND');
    // Their own company, narrowed to what they reach: B1 only.
    expect((await reports.monthly(bm1, { month: '2026-10', companyId: org.companyId })).received).toBe(3);
    const cm2 = principal(org.users.CM2, org.tenantId, [{ role: 'COMPANY_MANAGER', companyId: c2, branchId: null }]);
    expect((await reports.monthly(cm2, { month: '2026-10' })).received).toBe(3); // K6 K7 K8
    expect((await reports.branchRanking(cm2, { period: '2026-Q4' })).map((r) => r.branch.code)).toEqual(['B4', 'B3', 'B5']);
    const handler = principal(org.users.HA1, org.tenantId, [{ role: 'HANDLER', companyId: org.companyId, branchId: branches.B1 }]);
    expect(await code(reports.monthly(handler, { month: '2026-10' }))).toBe('FORBIDDEN');
    expect(await code(reports.monthly(headOffice(), { month: '2026-10', branchId: randomUUID() }))).toBe('NOT_FOUND');
    expect(await code(reports.monthly(headOffice(), { month: '2026-13' }))).toBe('BAD_USER_INPUT');
  });

  it('another tenant sees nothing of this one: zeros, and NOT_FOUND for its branch', async () => {
    const xho = principal(other.users.XHO, other.tenantId, [{ role: 'HEAD_OFFICE', companyId: null, branchId: null }]);
    const f = await reports.monthly(xho, { month: '2026-10' });
    expect([f.received, f.callbacks, f.stagesCompleted, f.workOrdersCompleted, f.overdueOpen]).toEqual([0, 0, 0, 0, 0]);
    expect(await code(reports.monthly(xho, { month: '2026-10', branchId: branches.B1 }))).toBe('NOT_FOUND');
    expect(await code(reports.quarterlyEscalationReview(xho, { quarter: '2026-Q4', companyId: org.companyId }))).toBe('NOT_FOUND');
    expect((await reports.quarterlyEscalationReview(xho, { quarter: '2026-Q4' })).items).toEqual([]);
    // Row-level security: the repository asked for this tenant's rows under the other tenant's setting finds none.
    expect((await reportFigures(m.app, other.tenantId, { ...OCTOBER, branchIds: [branches.B1] })).received).toBe(0);
  });
});

describe('the worker keeps the facts (idempotent, never backwards)', () => {
  it('register, dispatch, resolve, reopen: first instants kept, a stale or repeated write changes nothing', async () => {
    const acts = new ComplaintActivitiesService(m.app);
    const t0 = ms('2026-11-10T09:00');
    const args = registerArgs({ ...org, users: { first: org.users.S1 } }, { receivedAt: t0 });
    const id = args.complaintId;
    await acts.registerComplaint(args);
    const fact = async (): Promise<Record<string, unknown>> =>
      (await m.db.query(`SELECT * FROM report_complaint_facts WHERE complaint_id = $1`, [id]))[0];
    const stages = async (): Promise<Record<string, unknown>[]> =>
      m.db.query(`SELECT kind, round, completed_at, met_on_time, actor_id FROM report_stage_facts WHERE complaint_id = $1 ORDER BY started_at, kind`, [id]);
    expect(await fact()).toMatchObject({ received_at: new Date(t0), specialist_id: org.users.S1, open: true, valid: false, updated_seq: 1, branch_id: branches.B1 });

    const forward = { kind: 'FORWARD' as const, round: 1, anchorAt: t0, dueAt: t0 + 30 * 60_000, metAt: t0 + 10 * 60_000, breachedAt: null };
    const resolution = { kind: 'RESOLUTION' as const, round: 1, anchorAt: t0 + 10 * 60_000, dueAt: t0 + 2 * 86_400_000, metAt: null, breachedAt: null };
    const dispatched = initialState({
      reference: 'B1-2026-000001', status: 'DISPATCHED', assigneeId: org.users.H1, validity: 'VALID', seq: 5, deadlines: [forward, resolution], receivedAt: t0,
    });
    await acts.persistComplaint({ tenantId: org.tenantId, complaintId: id, state: dispatched, events: [event(5, 'DISPATCHED', {}, org.users.D1, t0 + 10 * 60_000)] });
    expect(await fact()).toMatchObject({ dispatcher_id: org.users.D1, valid: true, updated_seq: 5 });
    expect(await stages()).toHaveLength(2);

    const resolvedAt = t0 + 3600_000;
    const resolved = { ...dispatched, status: 'CALLBACK_PENDING' as const, resolvedAt, seq: 8, deadlines: [forward, { ...resolution, metAt: resolvedAt }] };
    const resolveWrite = { tenantId: org.tenantId, complaintId: id, state: resolved, events: [event(8, 'RESOLVED', {}, org.users.H1, resolvedAt)] };
    await acts.persistComplaint(resolveWrite);
    const callbackAt = t0 + 7200_000;
    const reopenedRes = { kind: 'RESOLUTION' as const, round: 2, anchorAt: callbackAt, dueAt: callbackAt + 2 * 86_400_000, metAt: null, breachedAt: null };
    const reopened = {
      ...resolved, status: 'DISPATCHED' as const, round: 2, resolvedAt: null, satisfied: false, seq: 11,
      deadlines: [forward, { ...resolution, metAt: resolvedAt }, reopenedRes],
    };
    await acts.persistComplaint({
      tenantId: org.tenantId, complaintId: id, state: reopened,
      events: [event(10, 'CALLBACK', { satisfied: false }, org.users.D1, callbackAt), event(11, 'REOPENED', { round: 2 }, org.users.D1, callbackAt)],
    });
    const after = await fact();
    expect(after).toMatchObject({
      resolved_at: new Date(resolvedAt), called_back_at: new Date(callbackAt), satisfied: false, reopened: true, dispatcher_id: org.users.D1, updated_seq: 11,
    });
    expect((await stages()).map((s) => [s.kind, s.round, s.met_on_time, s.actor_id])).toEqual([
      ['FORWARD', 1, true, org.users.H1], ['RESOLUTION', 1, true, org.users.H1], ['RESOLUTION', 2, null, null],
    ]);
    // A retried older write, and the same write again: nothing moves.
    await acts.persistComplaint(resolveWrite);
    await acts.persistComplaint({ tenantId: org.tenantId, complaintId: id, state: reopened, events: [] });
    expect(await fact()).toEqual(after);
    expect(await stages()).toHaveLength(3);

    // A re-dispatch replaced the open deadline of round 2 (a new anchor): the old row goes, the new one comes.
    const redispatchAt = callbackAt + 3600_000;
    const redispatched = { ...reopened, seq: 13, deadlines: [forward, { ...resolution, metAt: resolvedAt }, { ...reopenedRes, anchorAt: redispatchAt, dueAt: redispatchAt + 86_400_000 }] };
    await acts.persistComplaint({ tenantId: org.tenantId, complaintId: id, state: redispatched, events: [event(13, 'REDISPATCHED', {}, org.users.D1, redispatchAt)] });
    const rows: { started_at: Date }[] = await m.db.query(`SELECT started_at FROM report_stage_facts WHERE complaint_id = $1 AND round = 2`, [id]);
    expect(rows.map((r) => r.started_at)).toEqual([new Date(redispatchAt)]);

    // The migration's one-off backfill rebuilds the same complaint fact from the read model and the timeline.
    const kept = await fact();
    await m.db.query(`DELETE FROM report_stage_facts WHERE complaint_id = $1`, [id]);
    await m.db.query(`DELETE FROM report_complaint_facts WHERE complaint_id = $1`, [id]);
    await backfillReportFacts(m.db);
    expect(await fact()).toEqual(kept);
    expect(await stages()).toHaveLength(3);
  });
});
