/**
 * The day rollups behind the reports (migration 1763930000000-report-rollups) on a real PostgreSQL:
 * a few hundred random complaints over five months in three branches (two in Asia/Shanghai, one in
 * Europe/London), then random corrections (category, severity, withdrawal, a late resolution or
 * callback, a reopen) and stage rewrites. After every step:
 *
 * - the rollups the triggers kept equal the rollups rebuilt from the facts;
 * - every report (months, a quarter, a day, a half month; the tenant, a company, a branch; read as the
 *   application role) gives the same figures from the rollups as straight from the facts;
 * - a branch that moves to another time zone has its facts and rollups moved with it.
 */
import { randomUUID } from 'crypto';
import { halfMonthBounds, reportPeriodBounds } from '../../libs/domain/src/reports/report-period.util';
import { reportFiguresWithBranches, type ReportQuery } from '../../libs/persistence/src/report.repository';
import { MediumDatabase, SeededOrganisation, insertBranch, insertOrganisation, openDatabase } from './medium-support';

const CATEGORIES = ['PROPERTY_MANAGEMENT', 'CUSTOMER_SERVICE', 'CONSTRUCTION_QUALITY', 'SALES', 'PLANNING_DESIGN', 'OTHER'];
const SEVERITIES = ['GENERAL', 'IMPORTANT', 'HOT', 'MAJOR'];
const DAY = 86_400_000;
const START = Date.parse('2026-08-01T00:00:00Z');
const SPAN = 140 * DAY;

let m: MediumDatabase;
let org: SeededOrganisation;
let c2: string;
const branches: { id: string; zone: string }[] = [];
const complaintIds: string[] = [];

// A small deterministic generator (mulberry32), so a failure can be reproduced.
let seed = 0x5eed1234;
function random(): number {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const chance = (p: number): boolean => random() < p;
const later = (from: number, maxDays: number): Date => new Date(from + Math.floor(random() * maxDays * DAY));

async function insertComplaint(): Promise<void> {
  const id = randomUUID();
  const branch = pick(branches);
  const companyId = branch === branches[2] ? c2 : org.companyId;
  const received = START + Math.floor(random() * SPAN);
  const validity = chance(0.85) ? 'VALID' : chance(0.5) ? 'INVALID' : 'UNDETERMINED';
  const resolved = chance(0.8) ? later(received, 12) : null;
  const calledBack = resolved && chance(0.8) ? later(resolved.getTime(), 6) : null;
  const closed = calledBack && chance(0.85) ? later(calledBack.getTime(), 3) : null;
  const withdrawn = !closed && chance(0.04);
  const merged = !closed && !withdrawn && chance(0.04);
  const category = pick(CATEGORIES);
  const severity = pick(SEVERITIES);
  await m.db.query(
    `INSERT INTO complaints (id, tenant_id, company_id, branch_id, reference, idempotency_key, workflow_id, channel, kind, category, severity,
       emergency, validity, responsibility, status, round, description, households_affected, complainant_name, first_contact_owner_id, owner_id, received_at,
       policy_version, last_seq)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'PHONE', 'COMPLAINT', $8, $9, false, $10, 'RESPONSIBLE', 'IN_PROGRESS', 1, 'x', 1, 'y', $12, $12, $11, 1, 5)`,
    [id, org.tenantId, companyId, branch.id, `R-${id.slice(0, 8)}`, `k-${id}`, `complaint/${id}`, category, severity, validity, new Date(received), org.users.HO],
  );
  await m.db.query(
    `INSERT INTO report_complaint_facts (tenant_id, complaint_id, company_id, branch_id, zone, category, kind, severity, peak_severity,
       received_at, valid, invalid, resolved_at, called_back_at, satisfied, reopened, closed_at, withdrawn, merged, open, updated_seq)
     VALUES ($1, $2, $3, $4, $5, $6, 'COMPLAINT', $7, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 5)`,
    [org.tenantId, id, companyId, branch.id, branch.zone, category, severity, new Date(received), validity === 'VALID', validity === 'INVALID',
      resolved, calledBack, calledBack ? chance(0.7) : null, chance(0.1), closed, withdrawn, merged, !(closed || withdrawn || merged)],
  );
  for (let round = 1; round <= Math.floor(random() * 4); round += 1) {
    const started = later(received, 2);
    const due = new Date(started.getTime() + 3 * 3600_000);
    const completed = chance(0.8) ? later(started.getTime(), 0.3) : null;
    await m.db.query(
      `INSERT INTO report_stage_facts (tenant_id, complaint_id, kind, round, started_at, due_at, completed_at, met_on_time, company_id, branch_id,
         zone, category, updated_seq)
       VALUES ($1, $2, 'RESOLUTION', $3, $4, $5, $6, $7, $8, $9, $10, $11, 5)`,
      [org.tenantId, id, round, started, due, completed, completed ? completed <= due : null, companyId, branch.id, branch.zone, category],
    );
  }
  complaintIds.push(id);
}

/** Corrections a complaint's later writes make to its facts (the triggers must move the counts). */
async function correctSome(n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    const id = pick(complaintIds);
    const change = pick(['category', 'severity', 'withdraw', 'resolve', 'callback', 'reopen', 'validity', 'stages', 'delete-stage'] as const);
    const where = `tenant_id = $1 AND complaint_id = $2`;
    const args = [org.tenantId, id];
    if (change === 'category') await m.db.query(`UPDATE report_complaint_facts SET category = $3 WHERE ${where}`, [...args, pick(CATEGORIES)]);
    if (change === 'severity') await m.db.query(`UPDATE report_complaint_facts SET severity = $3 WHERE ${where}`, [...args, pick(SEVERITIES)]);
    if (change === 'withdraw') await m.db.query(`UPDATE report_complaint_facts SET withdrawn = NOT withdrawn, open = false WHERE ${where}`, args);
    if (change === 'resolve') {
      await m.db.query(`UPDATE report_complaint_facts SET resolved_at = COALESCE(resolved_at, received_at + interval '3 days') WHERE ${where}`, args);
    }
    if (change === 'callback') {
      await m.db.query(
        `UPDATE report_complaint_facts SET called_back_at = COALESCE(called_back_at, resolved_at + interval '30 hours'), satisfied = NOT COALESCE(satisfied, false)
          WHERE ${where} AND resolved_at IS NOT NULL`, args);
    }
    if (change === 'reopen') await m.db.query(`UPDATE report_complaint_facts SET reopened = true, closed_at = NULL, open = true WHERE ${where}`, args);
    if (change === 'validity') await m.db.query(`UPDATE report_complaint_facts SET valid = NOT valid, invalid = valid WHERE ${where}`, args);
    if (change === 'stages') {
      await m.db.query(
        `UPDATE report_stage_facts SET completed_at = COALESCE(completed_at, started_at + interval '5 hours'), met_on_time = COALESCE(met_on_time, false)
          WHERE ${where}`, args);
    }
    if (change === 'delete-stage') await m.db.query(`DELETE FROM report_stage_facts WHERE ${where} AND round > 1`, args);
  }
}

type Counts = Record<string, string>;

async function rollups(): Promise<{ days: Counts; stages: Counts }> {
  const days: { k: string; v: string }[] = await m.db.query(
    `SELECT concat_ws('|', branch_id, zone, day, category, severity) AS k,
            concat_ws(',', received, valid, invalid, resolved, reopened, valid_resolved, callbacks, satisfied) AS v
       FROM report_day_counts WHERE tenant_id = $1 AND (received, valid, invalid, resolved, reopened, valid_resolved, callbacks, satisfied) <> (0, 0, 0, 0, 0, 0, 0, 0)`,
    [org.tenantId]);
  const stages: { k: string; v: string }[] = await m.db.query(
    `SELECT concat_ws('|', branch_id, zone, day) AS k, concat_ws(',', completed, on_time) AS v
       FROM report_stage_day_counts WHERE tenant_id = $1 AND (completed, on_time) <> (0, 0)`, [org.tenantId]);
  return { days: Object.fromEntries(days.map((r) => [r.k, r.v])), stages: Object.fromEntries(stages.map((r) => [r.k, r.v])) };
}

async function expectRollupsMatchTheFacts(): Promise<void> {
  const kept = await rollups();
  await m.db.query(`SELECT report_rollups_rebuild($1::uuid, NULL)`, [org.tenantId]);
  const rebuilt = await rollups();
  expect(Object.keys(rebuilt.days).length).toBeGreaterThan(50);
  expect(kept).toEqual(rebuilt);
}

function periods(zone: string): { label: string; q: ReportQuery }[] {
  const of = (label: string, b: { fromMs: number; toMs: number } | null): { label: string; q: ReportQuery } => {
    if (!b) throw new Error(`no bounds for ${label}`);
    return { label: `${label} ${zone}`, q: { ...b, timeZone: zone } };
  };
  return [
    of('2026-09', reportPeriodBounds('2026-09', zone)),
    of('2026-10', reportPeriodBounds('2026-10', zone)),
    of('2026-Q4', reportPeriodBounds('2026-Q4', zone)),
    of('2026-10-10', reportPeriodBounds('2026-10-10', zone)),
    of('2026-11 second half', halfMonthBounds('2026-11', 2, zone)),
  ];
}

async function expectSameFiguresBothWays(): Promise<void> {
  const scopes: { label: string; companyIds?: string[]; branchIds?: string[] }[] = [
    { label: 'tenant' }, { label: 'company 1', companyIds: [org.companyId] }, { label: 'branch 3', branchIds: [branches[2].id] },
  ];
  let compared = 0;
  for (const zone of ['Asia/Shanghai', 'Europe/London']) {
    for (const { label, q } of periods(zone)) {
      for (const scope of scopes) {
        const query = { ...q, companyIds: scope.companyIds ?? null, branchIds: scope.branchIds ?? null };
        const rolled = await reportFiguresWithBranches(m.app, org.tenantId, query);
        const facts = await reportFiguresWithBranches(m.app, org.tenantId, query, { rollups: false });
        expect({ at: `${label} / ${scope.label}`, ...rolled }).toEqual({ at: `${label} / ${scope.label}`, ...facts });
        compared += rolled.figures.received;
      }
    }
  }
  expect(compared).toBeGreaterThan(500); // the periods do hold complaints
}

beforeAll(async () => {
  m = await openDatabase('medium_report_rollups');
  org = await insertOrganisation(m.db, { branchCode: 'S1', users: ['HO'] });
  c2 = randomUUID();
  await m.db.query(`INSERT INTO companies (id, tenant_id, name) VALUES ($1, $2, 'Second Company')`, [c2, org.tenantId]);
  branches.push({ id: org.branchId, zone: 'Asia/Shanghai' });
  branches.push({ id: await insertBranch(m.db, org, 'L1', 'Europe/London'), zone: 'Europe/London' });
  branches.push({ id: await insertBranch(m.db, { tenantId: org.tenantId, companyId: c2 }, 'S2'), zone: 'Asia/Shanghai' });
  for (let i = 0; i < 400; i += 1) await insertComplaint();
}, 120_000);

afterAll(async () => {
  await m?.close();
});

describe('day rollups kept by the facts triggers', () => {
  it('after the complaints are written, the rollups equal a rebuild from the facts, and the reports agree both ways', async () => {
    await expectRollupsMatchTheFacts();
    await expectSameFiguresBothWays();
  });

  it('after corrections (category, severity, withdrawal, late resolution and callback, reopen, validity, stages rewritten or deleted)', async () => {
    await correctSome(250);
    await expectRollupsMatchTheFacts();
    await expectSameFiguresBothWays();
  });

  it('a branch moved to another time zone takes its facts and rollups with it', async () => {
    const london = branches[1];
    await m.db.query(`UPDATE branches SET timezone = 'Asia/Shanghai' WHERE id = $1`, [london.id]);
    const zones: { zone: string; n: number }[] = await m.db.query(
      `SELECT zone, count(*)::int AS n FROM report_complaint_facts WHERE branch_id = $1 GROUP BY zone`, [london.id]);
    expect(zones.map((z) => z.zone)).toEqual(['Asia/Shanghai']);
    const rolled: { n: number }[] = await m.db.query(`SELECT count(*)::int AS n FROM report_day_counts WHERE branch_id = $1 AND zone <> 'Asia/Shanghai'`, [london.id]);
    expect(rolled[0].n).toBe(0);
    london.zone = 'Asia/Shanghai';
    await correctSome(50);
    await expectRollupsMatchTheFacts();
    await expectSameFiguresBothWays();
  });

  it('another tenant\'s rollups are invisible to this one (row-level security)', async () => {
    const other = await insertOrganisation(m.db, { branchCode: 'X1', users: ['XHO'] });
    const q = { ...periods('Asia/Shanghai')[2].q, companyIds: null, branchIds: null };
    const seen = await reportFiguresWithBranches(m.app, other.tenantId, q);
    expect(seen.figures.received).toBe(0);
    const rows: { n: number }[] = await m.app.transaction(async (t) => {
      await t.query(`SELECT set_config('app.tenant_id', $1, true)`, [other.tenantId]);
      return t.query(`SELECT count(*)::int AS n FROM report_day_counts`);
    });
    expect(rows[0].n).toBe(0);
  });
});
