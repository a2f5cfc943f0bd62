// Reports over a large tenant, and the console's first load.
//
// 1. Generates BENCH_REPORT_COMPLAINTS (1,000,000) complaints of the bench tenant STRAIGHT INTO THE
//    DATABASE (as the schema owner, set-based INSERT … SELECT over generate_series, in batches with
//    progress; received in order, so a month's rows lie together as they would; the big tables'
//    secondary indexes are dropped while loading and rebuilt from the catalogue): the complaint rows as the read model holds them (status, deadlines JSON, special
//    report, satisfied, …), their report_complaint_facts and report_stage_facts rows, escalations for
//    the HOT/MAJOR ones and work orders with their attempts for some REPAIR ones — over the 12 months
//    up to now, 12 branches in 3 companies (Asia/Shanghai). Foreign-key triggers are skipped while
//    loading (session_replication_role = replica; the generator keeps the references consistent
//    itself), then VACUUM ANALYZE, as autovacuum would have done on a table that grew over a year.
// 2. Measures monthlyReport (cycling over the complete months) and quarterlyEscalationReview
//    (cycling over the complete quarters) through the gateway's GraphQL endpoint, sequentially,
//    after a warm-up, as the head office and as a branch manager (BN01): p50/p95/p99 against the goal
//    (≤ 300 ms p99). The head office's `received` is checked against a count made with SQL.
// 3. The console's first load: the bytes of /console/ and the JS/CSS it references as the gateway
//    serves them (compressed when the gateway compresses), and the time from navigation to the first
//    rendered report in Chromium (playwright-core, /usr/bin/chromium), cold cache, BENCH_REPORT_CONSOLE_RUNS times.
//
//   BENCH_REPORT_COMPLAINTS (1000000)   complaints generated
//   BENCH_REPORT_RUNS (40)              measured runs per query and token (after 5 warm-up runs)
//   BENCH_REPORT_CONSOLE_RUNS (5)       console first loads measured
//   BENCH_REPORT_TRACE=1                the generator prints each statement's time
import http from 'http';
import zlib from 'zlib';
import { Client } from 'pg';
import { ensureConsoleBuilt } from '../../console-build';
import { OPS } from '../../demo/seed';
import { fmtLatency, intFromEnv, summarize, timed, type LatencySummary } from '../stats';
import type { BenchSection, BenchStack } from '../types';
import type { Say } from '../../infra/output';

const GOAL_P99_MS = 300;
const TZ_OFFSET_MS = 8 * 3600_000; // Asia/Shanghai, no daylight saving
const HOUR = 3600_000;

const FIGURES = `received valid invalid resolved closed processingRate timelinessRate callbackRate satisfactionRate reopenRate
  byCategory bySeverity from to timeZone calledBack callbacks satisfied reopened stagesCompleted stagesOnTime firstTimeFixRate workOrdersCompleted overdueOpen`;
const MONTHLY = `query($m: String!) { monthlyReport(month: $m) { ${FIGURES} } }`;
const REVIEW = `query($q: String!) { quarterlyEscalationReview(quarter: $q) {
  quarter byMonth figures { ${FIGURES} }
  byBranch { branch { id code name } figures { received resolved processingRate satisfactionRate } }
  items { complaint { id reference severity status receivedAt } peakSeverity ageDays escalationStatus escalations specialReportSubmitted branch { code name } month }
} }`;

/** The bench tenant grown to 3 companies × 4 branches, with staff to own the generated complaints. */
export interface ReportOrg {
  tenantId: string;
  /** In code order: BN01 … BN12. */
  branches: { id: string; companyId: string; code: string; dispatcher: string; handlers: string[]; contractor: string }[];
}

export interface GenerateResult {
  complaints: number;
  stageFacts: number;
  escalations: number;
  workOrders: number;
  seconds: number;
  /** Rows and indexes. */
  loadSeconds: number;
  indexSeconds: number;
  vacuumSeconds: number;
  from: Date;
  to: Date;
}

/** Shanghai month start (UTC instant) of the month `offset` months after (y, m0). */
function monthStart(y: number, m0: number, offset = 0): Date {
  return new Date(Date.UTC(y, m0 + offset, 1) - TZ_OFFSET_MS);
}

function shanghaiYearMonth(at: Date): { y: number; m0: number } {
  const s = new Date(at.getTime() + TZ_OFFSET_MS);
  return { y: s.getUTCFullYear(), m0: s.getUTCMonth() };
}

/** The 11 complete months before the current one, and the complete quarters among them. */
export function benchPeriods(now: Date): { months: { label: string; from: Date; to: Date }[]; quarters: { label: string; from: Date; to: Date }[]; dataFrom: Date } {
  const { y, m0 } = shanghaiYearMonth(now);
  const months = [];
  for (let k = -11; k <= -1; k++) {
    const from = monthStart(y, m0, k);
    const s = new Date(from.getTime() + TZ_OFFSET_MS);
    months.push({ label: `${s.getUTCFullYear()}-${String(s.getUTCMonth() + 1).padStart(2, '0')}`, from, to: monthStart(y, m0, k + 1) });
  }
  const quarters = [];
  for (const m of months) {
    const s = new Date(m.from.getTime() + TZ_OFFSET_MS);
    if (s.getUTCMonth() % 3 !== 0) continue;
    const to = monthStart(s.getUTCFullYear(), s.getUTCMonth(), 3);
    if (to.getTime() > months[months.length - 1].to.getTime()) continue;
    quarters.push({ label: `${s.getUTCFullYear()}-Q${s.getUTCMonth() / 3 + 1}`, from: m.from, to });
  }
  return { months, quarters, dataFrom: monthStart(y, m0, -11) };
}

/** Three companies of four branches (BN01, BN02 and the company exist already), a branch manager of BN01, and staff rows. */
export async function growOrganisation(stack: BenchStack, db: Client): Promise<{ org: ReportOrg; branchManagerToken: string }> {
  const ho = stack.tenant.tokens.headOffice;
  const companies = [stack.tenant.companyId];
  for (const name of ['Bench Estates North Co.', 'Bench Estates South Co.']) {
    companies.push((await stack.gql<{ createCompany: { id: string } }>(OPS.createCompany, { n: name }, ho)).createCompany.id);
  }
  const codes = Array.from({ length: 12 }, (_, i) => `BN${String(i + 1).padStart(2, '0')}`);
  for (const [i, code] of codes.entries()) {
    if (stack.tenant.branches.some((b) => b.code === code)) continue;
    await stack.gql(OPS.createBranch, { c: companies[Math.floor(i / 4)], code, n: `Bench Estate ${code}`, tz: 'Asia/Shanghai' }, ho);
  }
  const bn01 = stack.tenant.branches.find((b) => b.code === 'BN01');
  if (!bn01) throw new Error('reports: the bench tenant has no branch BN01');
  const manager = (await stack.gql<{ createUser: { id: string } }>(OPS.createUser, { n: 'Branch Manager BN01', r: [{ role: 'BRANCH_MANAGER', branchId: bn01.id }] }, ho)).createUser.id;

  const tenantId = stack.tenant.tenantId;
  const rows = (await db.query<{ id: string; company_id: string; code: string }>(
    `SELECT id, company_id, code FROM branches WHERE tenant_id = $1 ORDER BY code`, [tenantId])).rows;
  // Staff of each branch, written as the owner (the generated complaints only need their ids to exist).
  const branches: ReportOrg['branches'] = [];
  for (const b of rows) {
    const existing = stack.tenant.branches.find((x) => x.id === b.id)?.dispatcher;
    const staff = (await db.query<{ id: string; role: string }>(`
      WITH u AS (
        INSERT INTO users (id, tenant_id, name)
        SELECT gen_random_uuid(), $1::uuid, r.role || ' ' || $2::text || '-' || n FROM (VALUES ('HANDLER', 1), ('HANDLER', 2), ('HANDLER', 3), ('HANDLER', 4), ('CONTRACTOR', 1), ('DISPATCHER', 1)) r(role, n)
        WHERE r.role <> 'DISPATCHER' OR $4::uuid IS NULL
        RETURNING id, split_part(name, ' ', 1) AS role
      ), g AS (
        INSERT INTO role_assignments (tenant_id, user_id, role, branch_id) SELECT $1, id, role, $3 FROM u RETURNING user_id
      )
      SELECT u.id, u.role FROM u`, [tenantId, b.code, b.id, existing ?? null])).rows;
    branches.push({
      id: b.id, companyId: b.company_id, code: b.code,
      dispatcher: existing ?? staff.find((s) => s.role === 'DISPATCHER')!.id,
      handlers: staff.filter((s) => s.role === 'HANDLER').map((s) => s.id),
      contractor: staff.find((s) => s.role === 'CONTRACTOR')!.id,
    });
  }
  await db.query(`INSERT INTO contractor_trades (tenant_id, user_id, trade) SELECT $1, unnest($2::uuid[]), 'GENERAL_REPAIR'`, [tenantId, branches.map((b) => b.contractor)]);
  return { org: { tenantId, branches }, branchManagerToken: stack.token(manager) };
}

/**
 * One batch: the staging rows (every random draw and every derived time of a complaint, computed
 * once), then each table from them. $1 lo, $2 hi, $3 data start, $4 span seconds, $5 now, $6 complaints in all.
 */
const STAGE_BATCH = `
INSERT INTO bench_gen
WITH s AS (
  SELECT i, random() r_t, random() r_kind, random() r_cat, random() r_cls, random() r_sev, random() r_ack, random() r_res,
         random() r_cb, random() r_cbt, random() r_sat, random() r_ro, random() r_cl, random() r_hot, random() r_wo, random() r_x
  FROM generate_series($1::int, $2::int) i
), a AS (
  SELECT s.*, b.id branch_id, b.company_id, b.code, b.dispatcher, b.contractor,
    b.handlers[1 + (s.i / 12) % array_length(b.handlers, 1)] specialist,
    -- in order of i, as complaints arrive (the facts rows of a month lie together, as they would)
    $3::timestamptz + ((s.i - 1 + r_t) / $6::float8 * $4::float8) * interval '1 second' received_at,
    CASE WHEN r_kind < 0.55 THEN 'COMPLAINT' WHEN r_kind < 0.85 THEN 'REPAIR' WHEN r_kind < 0.95 THEN 'HELP_REQUEST' ELSE 'INQUIRY' END kind,
    CASE WHEN r_cat < 0.40 THEN 'PROPERTY_MANAGEMENT' WHEN r_cat < 0.65 THEN 'CONSTRUCTION_QUALITY' WHEN r_cat < 0.80 THEN 'CUSTOMER_SERVICE'
         WHEN r_cat < 0.88 THEN 'PLANNING_DESIGN' WHEN r_cat < 0.95 THEN 'SALES' ELSE 'OTHER' END category,
    CASE WHEN r_cls < 0.010 THEN 'WITHDRAWN' WHEN r_cls < 0.015 THEN 'MERGED' WHEN r_cls < 0.095 THEN 'INVALID' ELSE 'VALID' END cls,
    CASE WHEN r_sev < 0.0005 THEN 'MAJOR' WHEN r_sev < 0.0035 THEN 'HOT' WHEN r_sev < 0.12 THEN 'IMPORTANT' ELSE 'GENERAL' END severity
  FROM s JOIN bench_branch b ON b.idx = s.i % 12
), t AS (
  -- Raw times (hours after receipt): acknowledged in 0–3 h (due 2 h), resolved in 2–202 h (due 7 days),
  -- called back 4–84 h after (due 72 h; 95 % are), closed within a day of the callback.
  SELECT a.*,
    received_at + 3 * r_ack * r_ack * interval '1 hour' ack_raw,
    CASE WHEN cls = 'VALID' THEN received_at + (2 + 200 * r_res * r_res) * interval '1 hour' END res_raw,
    CASE WHEN severity IN ('HOT', 'MAJOR') THEN received_at + 48 * r_hot * interval '1 hour' END hot_raw
  FROM a
), u AS (
  SELECT t.*,
    CASE WHEN ack_raw <= $5::timestamptz THEN ack_raw END ack_at,
    CASE WHEN res_raw <= $5::timestamptz THEN res_raw END resolved_at,
    CASE WHEN hot_raw <= $5::timestamptz THEN hot_raw WHEN hot_raw IS NOT NULL THEN received_at END hot_at,
    CASE WHEN res_raw IS NOT NULL AND r_cb < 0.95 AND res_raw + (4 + 80 * r_cbt) * interval '1 hour' <= $5::timestamptz THEN res_raw + (4 + 80 * r_cbt) * interval '1 hour' END called_back_at
  FROM t
), v AS (
  SELECT u.*,
    called_back_at IS NOT NULL AND r_sat < 0.9 AS satisfied_raw,
    called_back_at IS NOT NULL AND r_sat >= 0.9 AND r_ro < 0.4 AS reopened
  FROM u
)
SELECT i, gen_random_uuid() id, branch_id, company_id, code, dispatcher, contractor, specialist, kind, category, cls, severity,
  received_at, ack_at, resolved_at, hot_at, called_back_at,
  CASE WHEN called_back_at IS NOT NULL THEN satisfied_raw END satisfied, reopened,
  -- second round of a reopened complaint: resolved again 48 h after the callback
  CASE WHEN reopened AND called_back_at + interval '48 hours' <= $5::timestamptz THEN called_back_at + interval '48 hours' END resolved2_at,
  CASE
    WHEN cls = 'INVALID' AND received_at + interval '24 hours' <= $5::timestamptz THEN received_at + interval '24 hours'
    WHEN called_back_at IS NOT NULL AND NOT reopened AND called_back_at + 24 * r_cl * interval '1 hour' <= $5::timestamptz THEN called_back_at + 24 * r_cl * interval '1 hour'
    WHEN reopened AND called_back_at + interval '72 hours' <= $5::timestamptz THEN called_back_at + interval '72 hours'
    -- not called back (5 %): closed four days after the resolution, the CALLBACK stage breached
    WHEN called_back_at IS NULL AND resolved_at IS NOT NULL AND resolved_at + interval '96 hours' <= $5::timestamptz THEN resolved_at + interval '96 hours'
  END closed_at,
  CASE WHEN severity IN ('HOT', 'MAJOR') THEN CASE WHEN severity = 'MAJOR' THEN 2 ELSE 1 END + floor(r_x * 2)::int ELSE 0 END escalation_count,
  CASE WHEN severity IN ('HOT', 'MAJOR') AND r_x < 0.75 AND hot_raw + interval '72 hours' <= $5::timestamptz THEN hot_raw + interval '72 hours' END special_report_at,
  CASE WHEN kind = 'REPAIR' AND cls = 'VALID' AND r_wo < 0.17 THEN gen_random_uuid() END work_order_id,
  r_wo < 0.01 AS wo_reopened,
  r_x
FROM v`;

const INSERT_COMPLAINTS = `
INSERT INTO complaints (id, tenant_id, company_id, branch_id, reference, idempotency_key, workflow_id, channel, kind, category, severity,
  emergency, validity, responsibility, status, round, description, location, households_affected, complainant_name, complainant_phone,
  complainant_unit, first_contact_owner_id, owner_id, assignee_id, received_at, resolved_at, closed_at, deadlines, overdue, satisfied,
  last_callback_method, policy_version, merged_into_id, last_seq, special_report, created_at, updated_at)
SELECT g.id, $1, g.company_id, g.branch_id, 'R' || $2::text || '-' || g.code || '-' || lpad(g.i::text, 7, '0'), 'bench-report-' || $2::text || '-' || g.i,
  'complaint/' || $1::uuid::text || '/' || g.id, (ARRAY['PHONE','WALK_IN','WECHAT','WEB_FORM','EMAIL','LETTER'])[1 + g.i % 6], g.kind, g.category, g.severity,
  false, CASE g.cls WHEN 'INVALID' THEN 'INVALID' WHEN 'VALID' THEN 'VALID' ELSE 'UNDETERMINED' END,
  CASE WHEN g.cls = 'VALID' THEN 'RESPONSIBLE' ELSE 'UNDETERMINED' END,
  CASE WHEN g.cls = 'WITHDRAWN' THEN 'WITHDRAWN' WHEN g.cls = 'MERGED' THEN 'MERGED' WHEN g.closed_at IS NOT NULL THEN 'CLOSED'
       WHEN g.reopened THEN CASE WHEN g.resolved2_at IS NOT NULL THEN 'CALLBACK_PENDING' ELSE 'IN_PROGRESS' END
       WHEN g.called_back_at IS NOT NULL THEN 'ANALYSIS_PENDING' WHEN g.resolved_at IS NOT NULL THEN 'CALLBACK_PENDING'
       WHEN g.ack_at IS NOT NULL THEN 'IN_PROGRESS' ELSE 'DISPATCHED' END,
  CASE WHEN g.reopened THEN 2 ELSE 1 END,
  '楼上漏水 — generated for the reports bench (#' || g.i || ')', 'Building ' || (1 + g.i % 9), 1, '业主 ' || g.i, '13800138000', (1 + g.i % 9) || '-' || (1000 + g.i % 800),
  g.dispatcher, g.specialist, g.specialist, g.received_at, coalesce(g.resolved2_at, g.resolved_at), g.closed_at,
  coalesce(d.deadlines, '[]'::jsonb), g.closed_at IS NULL AND g.cls IN ('VALID', 'INVALID') AND coalesce(d.overdue, false),
  g.satisfied, CASE WHEN g.called_back_at IS NOT NULL THEN 'PHONE' END, 1,
  CASE WHEN g.cls = 'MERGED' THEN gen_random_uuid() END, 12,
  CASE WHEN g.special_report_at IS NOT NULL THEN jsonb_build_object('whatHappened', '外墙脱落 (generated)', 'rootCause', 'Ageing render', 'preventiveMeasures', 'Quarterly facade inspection',
    'submittedAt', to_char(g.special_report_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'submittedBy', g.specialist) END,
  g.received_at, coalesce(g.closed_at, g.resolved2_at, g.called_back_at, g.resolved_at, g.received_at)
FROM bench_gen g LEFT JOIN (
  SELECT complaint_id,
    jsonb_agg(jsonb_build_object('kind', kind, 'round', round, 'dueAt', to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'metAt', to_char(completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'breachedAt', to_char(breached_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      ORDER BY started_at, kind) AS deadlines,
    bool_or(breached_at IS NOT NULL AND completed_at IS NULL) AS overdue
  FROM bench_stage GROUP BY complaint_id
) d ON d.complaint_id = g.id`;

/** Stage facts of the batch (the read model's deadlines, one row per kind and round), staged so the complaint's JSON and the facts agree. */
const STAGE_STAGES = `
INSERT INTO bench_stage
SELECT g.id, x.kind, x.round, x.started_at, x.due_at, x.completed_at,
  CASE WHEN x.due_at <= $1::timestamptz AND (x.completed_at IS NULL OR x.completed_at > x.due_at) THEN x.due_at END
FROM bench_gen g
CROSS JOIN LATERAL (VALUES
  ('ACKNOWLEDGE', 1, g.received_at, g.received_at + interval '2 hours', g.ack_at),
  ('RESOLUTION', 1, CASE WHEN g.cls = 'VALID' THEN g.received_at END, g.received_at + interval '7 days', g.resolved_at),
  ('CALLBACK', 1, g.resolved_at, g.resolved_at + interval '72 hours', g.called_back_at),
  ('RESOLUTION', 2, CASE WHEN g.reopened THEN g.called_back_at END, g.called_back_at + interval '7 days', g.resolved2_at)
) x(kind, round, started_at, due_at, completed_at)
WHERE x.started_at IS NOT NULL AND (g.cls IN ('VALID', 'INVALID') OR x.completed_at IS NOT NULL)`;

const INSERT_COMPLAINT_FACTS = `
INSERT INTO report_complaint_facts (tenant_id, complaint_id, company_id, branch_id, category, kind, severity, peak_severity, hot_or_major_at,
  received_at, valid, invalid, resolved_at, called_back_at, satisfied, reopened, closed_at, withdrawn, merged, open, overdue, dispatcher_id,
  specialist_id, escalation_count, special_report_at, updated_seq)
SELECT $1, g.id, g.company_id, g.branch_id, g.category, g.kind, g.severity, g.severity, g.hot_at,
  g.received_at, g.cls = 'VALID', g.cls = 'INVALID', g.resolved_at, g.called_back_at, g.satisfied, g.reopened, g.closed_at,
  g.cls = 'WITHDRAWN', g.cls = 'MERGED', g.closed_at IS NULL AND g.cls IN ('VALID', 'INVALID'),
  g.closed_at IS NULL AND g.cls IN ('VALID', 'INVALID') AND coalesce(d.overdue, false),
  g.dispatcher, g.specialist, g.escalation_count, g.special_report_at, 12
FROM bench_gen g LEFT JOIN (SELECT complaint_id, bool_or(breached_at IS NOT NULL AND completed_at IS NULL) AS overdue FROM bench_stage GROUP BY complaint_id) d ON d.complaint_id = g.id`;

const INSERT_STAGE_FACTS = `
INSERT INTO report_stage_facts (tenant_id, complaint_id, kind, round, started_at, due_at, completed_at, breached_at, met_on_time, actor_id,
  company_id, branch_id, category, severity_at_completion, updated_seq)
SELECT $1, d.complaint_id, d.kind, d.round, d.started_at, d.due_at, d.completed_at, d.breached_at,
  CASE WHEN d.completed_at IS NOT NULL THEN d.completed_at <= d.due_at END,
  CASE WHEN d.completed_at IS NOT NULL THEN CASE WHEN d.kind = 'ACKNOWLEDGE' THEN g.dispatcher ELSE g.specialist END END,
  g.company_id, g.branch_id, g.category, CASE WHEN d.completed_at IS NOT NULL THEN g.severity END, 12
FROM bench_stage d JOIN bench_gen g ON g.id = d.complaint_id`;

const LEVELS = `ARRAY['BRANCH_MANAGER', 'COMPANY_DEPUTY_GM', 'COMPANY_GM', 'HEAD_OFFICE']`;
const INSERT_ESCALATIONS = `
INSERT INTO escalations (id, tenant_id, complaint_id, workflow_id, step, trigger, reason, level, notified_user_ids, raised_at, ack_due_at,
  acknowledged_at, acknowledged_by, superseded, policy)
SELECT gen_random_uuid(), $1, g.id, 'escalation/' || $1::uuid::text || '/' || g.id || '/' || g.severity || '/1', n, g.severity, 'SEVERITY:' || g.severity,
  (${LEVELS})[n], ARRAY[g.dispatcher], g.hot_at + (n - 1) * interval '2 hours', g.hot_at + n * interval '2 hours',
  CASE WHEN g.r_x < 0.8 AND g.hot_at + (n - 1) * interval '2 hours' + interval '40 minutes' <= $2::timestamptz THEN g.hot_at + (n - 1) * interval '2 hours' + interval '40 minutes' END,
  CASE WHEN g.r_x < 0.8 AND g.hot_at + (n - 1) * interval '2 hours' + interval '40 minutes' <= $2::timestamptz THEN g.dispatcher END,
  false, '{"levels": [{"level": "BRANCH_MANAGER", "ackWithin": "PT2H"}]}'::jsonb
FROM bench_gen g CROSS JOIN LATERAL generate_series(1, g.escalation_count) n
WHERE g.escalation_count > 0 AND g.hot_at IS NOT NULL`;

const INSERT_WORK_ORDERS = `
INSERT INTO work_orders (id, tenant_id, complaint_id, branch_id, company_id, workflow_id, trade, contractor_id, status, description, attempt,
  issued_by, issued_at, contact_due_at, contacted_at, booked_for, completed_at, customer_signed, signed_by_name, signed_at, state, seq, updated_at)
SELECT g.work_order_id, $1, g.id, g.branch_id, g.company_id, 'work-order/' || $1::uuid::text || '/' || g.work_order_id, 'GENERAL_REPAIR', g.contractor,
  CASE WHEN g.resolved_at IS NOT NULL THEN 'COMPLETED' ELSE 'BOOKED' END, 'Repair (generated #' || g.i || ')', CASE WHEN g.wo_reopened THEN 2 ELSE 1 END,
  g.dispatcher, g.received_at + interval '30 minutes', g.received_at + interval '60 minutes', g.received_at + interval '45 minutes', g.received_at + interval '1 hour',
  g.resolved_at - interval '15 minutes', g.resolved_at IS NOT NULL, CASE WHEN g.resolved_at IS NOT NULL THEN '业主 ' || g.i END, g.resolved_at - interval '15 minutes',
  '{}'::jsonb, 6, coalesce(g.resolved_at, g.received_at)
FROM bench_gen g WHERE g.work_order_id IS NOT NULL`;

const INSERT_ATTEMPTS = `
INSERT INTO work_order_attempts (tenant_id, work_order_id, attempt, contractor_id, branch_id, company_id, trade, category, cause, started_at,
  contact_due_at, contacted_at, booked_for, completion_due_at, completed_at, ended, reopened, return_visit_satisfied)
SELECT $1, g.work_order_id, x.attempt, g.contractor, g.branch_id, g.company_id, 'GENERAL_REPAIR', g.category, x.cause, x.started_at,
  x.started_at + interval '30 minutes', x.started_at + interval '15 minutes', x.started_at + interval '30 minutes', x.started_at + interval '24 hours',
  x.completed_at, CASE WHEN x.completed_at IS NOT NULL THEN 'COMPLETED' END, x.reopened, CASE WHEN x.reopened THEN false END
FROM bench_gen g CROSS JOIN LATERAL (VALUES
  (1, 'ISSUED', g.received_at + interval '30 minutes', CASE WHEN g.wo_reopened THEN g.received_at + interval '90 minutes' ELSE g.resolved_at - interval '15 minutes' END, g.wo_reopened),
  (2, 'REOPENED', CASE WHEN g.wo_reopened THEN g.received_at + interval '2 hours' END, g.resolved_at - interval '15 minutes', false)
) x(attempt, cause, started_at, completed_at, reopened)
WHERE g.work_order_id IS NOT NULL AND x.started_at IS NOT NULL`;

/** Fills the tenant with `n` complaints and everything the reports read about them. */
export async function generateReportData(db: Client, org: ReportOrg, n: number, now: Date, say: Say): Promise<GenerateResult> {
  if (org.branches.length !== 12) throw new Error(`reports: expected 12 branches, got ${org.branches.length}`);
  const started = performance.now();
  const { dataFrom } = benchPeriods(now);
  const spanSeconds = (now.getTime() - dataFrom.getTime()) / 1000 - 3600; // the last received an hour ago at the latest
  const tag = Math.random().toString(36).slice(2, 6);
  await db.query(`SET synchronous_commit = off`);
  await db.query(`SET maintenance_work_mem = '512MB'`);
  await db.query(`SET work_mem = '64MB'`);
  // Foreign-key triggers off while loading: the generator only references rows it created. (Only
  // the schema owner / a superuser may; then only internal triggers and the day-rollup triggers are
  // skipped here — checked —, and the rollups are rebuilt from the facts afterwards.)
  const userTriggers = Number((await db.query(`
    SELECT count(*) AS n FROM pg_trigger t WHERE NOT t.tgisinternal
      AND t.tgrelid = ANY (ARRAY['complaints', 'report_complaint_facts', 'report_stage_facts', 'escalations', 'work_orders', 'work_order_attempts']::regclass[])
      AND t.tgfoid NOT IN ('report_day_counts_apply'::regproc, 'report_stage_day_counts_apply'::regproc)`)).rows[0].n);
  let replica = false;
  if (userTriggers === 0) {
    replica = await db.query(`SET session_replication_role = replica`).then(() => true, () => false);
  }
  say(`reports: generating ${n.toLocaleString('en')} complaints from ${dataFrom.toISOString()} to ${now.toISOString()} (12 branches, 3 companies; foreign-key checks ${replica ? 'skipped while loading' : 'on'})…`);
  await db.query(`CREATE TEMP TABLE bench_branch (idx int PRIMARY KEY, id uuid, company_id uuid, code text, dispatcher uuid, contractor uuid, handlers uuid[])`);
  for (const [idx, b] of org.branches.entries()) {
    await db.query(`INSERT INTO bench_branch VALUES ($1, $2, $3, $4, $5, $6, $7)`, [idx, b.id, b.companyId, b.code, b.dispatcher, b.contractor, b.handlers]);
  }
  await db.query(`
    CREATE TEMP TABLE bench_gen (i int, id uuid PRIMARY KEY, branch_id uuid, company_id uuid, code text, dispatcher uuid, contractor uuid, specialist uuid,
      kind text, category text, cls text, severity text, received_at timestamptz, ack_at timestamptz, resolved_at timestamptz, hot_at timestamptz,
      called_back_at timestamptz, satisfied boolean, reopened boolean, resolved2_at timestamptz, closed_at timestamptz, escalation_count int,
      special_report_at timestamptz, work_order_id uuid, wo_reopened boolean, r_x float8)`);
  await db.query(`CREATE TEMP TABLE bench_stage (complaint_id uuid, kind text, round int, started_at timestamptz, due_at timestamptz, completed_at timestamptz, breached_at timestamptz)`);
  await db.query(`CREATE INDEX ON bench_stage (complaint_id)`);
  await db.query(`SELECT setseed(0.12)`);

  // The big tables' secondary indexes are dropped while loading and built again afterwards (as a
  // bulk load does: building an index once is several times faster than maintaining it row by row).
  // Their definitions are read from the catalogue, so whatever the migrations define is rebuilt.
  const indexes = (await db.query<{ name: string; def: string }>(`
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
    FROM pg_index i
    WHERE i.indrelid = ANY (ARRAY['complaints', 'report_complaint_facts', 'report_stage_facts']::regclass[]) AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`)).rows;
  for (const ix of indexes) await db.query(`DROP INDEX ${ix.name}`);

  const batch = Math.min(100_000, n);
  const totals = { stageFacts: 0, escalations: 0, workOrders: 0 };
  let lastSay = 0;
  for (let lo = 1; lo <= n; lo += batch) {
    const hi = Math.min(n, lo + batch - 1);
    const tq = async (label: string, sql: string, params: unknown[] = []): Promise<number> => {
      const t0 = performance.now();
      const r = await db.query(sql, params);
      if (process.env.BENCH_REPORT_TRACE) say(`  ${label}: ${(performance.now() - t0).toFixed(0)} ms`);
      return r.rowCount ?? 0;
    };
    await db.query('BEGIN');
    await db.query(`TRUNCATE bench_gen, bench_stage`);
    await tq('stage', STAGE_BATCH, [lo, hi, dataFrom, spanSeconds, now, n]);
    totals.stageFacts += await tq('stages', STAGE_STAGES, [now]);
    await tq('analyze', `ANALYZE bench_gen`);
    await tq('analyze', `ANALYZE bench_stage`);
    await tq('complaints', INSERT_COMPLAINTS, [org.tenantId, tag]);
    await tq('complaint facts', INSERT_COMPLAINT_FACTS, [org.tenantId]);
    await tq('stage facts', INSERT_STAGE_FACTS, [org.tenantId]);
    totals.escalations += await tq('escalations', INSERT_ESCALATIONS, [org.tenantId, now]);
    totals.workOrders += await tq('work orders', INSERT_WORK_ORDERS, [org.tenantId]);
    await tq('attempts', INSERT_ATTEMPTS, [org.tenantId]);
    await db.query('COMMIT');
    const s = (performance.now() - started) / 1000;
    if (hi === n || performance.now() - lastSay > 10_000) {
      lastSay = performance.now();
      say(`reports: ${hi.toLocaleString('en')} / ${n.toLocaleString('en')} complaints written (${totals.stageFacts.toLocaleString('en')} stage facts, ${totals.escalations} escalations, ${totals.workOrders.toLocaleString('en')} work orders) in ${s.toFixed(0)} s — ${Math.round(hi / s).toLocaleString('en')}/s`);
    }
  }
  if (replica) await db.query(`SET session_replication_role = origin`);
  await db.query(`DROP TABLE bench_gen, bench_stage, bench_branch`);
  const i0 = performance.now();
  say(`reports: building ${indexes.length} indexes again…`);
  for (const ix of indexes) await db.query(ix.def);
  say(`reports: day rollups from the facts…`);
  await db.query(`SELECT report_rollups_rebuild($1::uuid, NULL)`, [org.tenantId]);
  const indexSeconds = (performance.now() - i0) / 1000;
  const loadSeconds = (performance.now() - started) / 1000;
  say(`reports: loaded in ${loadSeconds.toFixed(0)} s; VACUUM ANALYZE (as autovacuum would have, over a year)…`);
  const v0 = performance.now();
  for (const table of ['complaints', 'report_complaint_facts', 'report_stage_facts', 'escalations', 'work_orders', 'work_order_attempts', 'report_day_counts', 'report_stage_day_counts']) {
    await db.query(`VACUUM (ANALYZE) ${table}`);
  }
  const vacuumSeconds = (performance.now() - v0) / 1000;
  const seconds = (performance.now() - started) / 1000;
  say(`reports: data ready in ${seconds.toFixed(0)} s (rows ${(loadSeconds - indexSeconds).toFixed(0)} s, indexes ${indexSeconds.toFixed(0)} s, vacuum/analyze ${vacuumSeconds.toFixed(0)} s)`);
  return { complaints: n, ...totals, seconds, loadSeconds, indexSeconds, vacuumSeconds, from: dataFrom, to: now };
}

interface QueryBench {
  label: string;
  latency: LatencySummary;
  errors: string[];
  pass: boolean;
}

/** `runs` sequential calls after `warmup` unmeasured ones; `check` may throw on a wrong answer. */
async function measure(label: string, runs: number, warmup: number, call: (i: number) => Promise<void>, stopping: () => boolean): Promise<QueryBench> {
  const ms: number[] = [];
  const errors: string[] = [];
  for (let i = 0; i < warmup + runs && !stopping(); i++) {
    try {
      const r = await timed(() => call(i));
      if (i >= warmup) ms.push(r.ms);
    } catch (err) {
      errors.push(`${label} #${i}: ${(err as Error).message}`);
    }
  }
  const latency = summarize(ms);
  return { label, latency, errors, pass: ms.length > 0 && latency.p99 <= GOAL_P99_MS };
}

/** GET with gzip/br accepted; the bytes as they came over the wire. */
function rawGet(url: string): Promise<{ status: number; wireBytes: number; body: Buffer; encoding: string | undefined; contentType: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { 'accept-encoding': 'br, gzip, deflate' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        const body = encoding === 'br' ? zlib.brotliDecompressSync(raw) : encoding === 'gzip' ? zlib.gunzipSync(raw) : encoding === 'deflate' ? zlib.inflateSync(raw) : raw;
        resolve({ status: res.statusCode ?? 0, wireBytes: raw.length, body, encoding, contentType: res.headers['content-type'] });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

interface ConsoleLoad {
  url: string;
  files: { path: string; wireBytes: number; bytes: number; encoding: string }[];
  wireBytes: number;
  bytes: number;
  firstReportMs: LatencySummary | null;
  /** What the browser fetched in all (transferSize of every entry), mean per load. */
  browserTransferBytes: number;
  note: string;
  errors: string[];
}

/** Bytes of the console's first load, and the time to its first rendered report in Chromium. */
async function consoleFirstLoad(stack: BenchStack, say: Say, runs: number, quarter: string): Promise<ConsoleLoad> {
  const base = stack.graphqlUrl.replace(/\/graphql$/, '');
  const url = `${base}/console/`;
  const out: ConsoleLoad = { url, files: [], wireBytes: 0, bytes: 0, firstReportMs: null, browserTransferBytes: 0, note: '', errors: [] };
  // Built by the console's own build script when missing or stale (as npm start does). A gateway
  // started before it existed does not serve it: then the error says so.
  await ensureConsoleBuilt((line) => say(`reports: ${line}`));
  const index = await rawGet(url);
  if (index.status !== 200) {
    out.errors.push(`GET /console/ answered ${index.status}`);
    return out;
  }
  out.files.push({ path: '/console/', wireBytes: index.wireBytes, bytes: index.body.length, encoding: index.encoding ?? 'identity' });
  const html = index.body.toString('utf8');
  const refs = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) refs.add(m[1]);
  for (const m of html.matchAll(/<link[^>]*\bhref="([^"]+)"[^>]*>/g)) if (/rel="(stylesheet|modulepreload)"/.test(m[0])) refs.add(m[1]);
  for (const ref of refs) {
    const fileUrl = new URL(ref, url).toString();
    const r = await rawGet(fileUrl);
    if (r.status !== 200) out.errors.push(`GET ${ref} answered ${r.status}`);
    out.files.push({ path: new URL(fileUrl).pathname, wireBytes: r.wireBytes, bytes: r.body.length, encoding: r.encoding ?? 'identity' });
  }
  out.wireBytes = out.files.reduce((a, f) => a + f.wireBytes, 0);
  out.bytes = out.files.reduce((a, f) => a + f.bytes, 0);

  // Time to the first rendered report: a fresh browser context (cold cache) signed in with the head
  // office's token, opening the quarterly escalation review; done when its chart and list are drawn.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const times: number[] = [];
  const transferred: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const t0 = performance.now();
        // The token in the fragment, as npm start prints it (the server never sees it; the console keeps it).
        await page.goto(`${url}review?quarter=${encodeURIComponent(quarter)}#token=${encodeURIComponent(stack.tenant.tokens.headOffice)}`, { waitUntil: 'commit' });
        await page.waitForSelector('[data-testid="chart-by-branch"] svg', { state: 'visible', timeout: 60_000 });
        await page.waitForSelector('[data-testid="review-row"]', { state: 'visible', timeout: 60_000 });
        times.push(performance.now() - t0);
        // Everything the page fetched (document, scripts, styles, config, GraphQL), as the browser counted it.
        transferred.push(await page.evaluate<number>(
          `performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((a, e) => a + (e.transferSize || 0), 0)`));
      } catch (err) {
        out.errors.push(`console first load #${i}: ${(err as Error).message.split('\n')[0]}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  out.browserTransferBytes = transferred.length ? Math.round(transferred.reduce((a, b) => a + b, 0) / transferred.length) : 0;
  out.firstReportMs = times.length ? summarize(times) : null;
  out.note = `/console/review?quarter=${quarter} with the token in the URL fragment, until its branch chart (SVG) and its first row are drawn; cold browser context each time`;
  return out;
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

export const reportsSection: BenchSection = {
  id: 'reports',
  title: 'Reports over a large tenant (generated into the database); console first load',
  needsStack: true,
  async run({ stack, say, stopping }) {
    if (!stack) throw new Error('reports needs the stack');
    const n = intFromEnv('BENCH_REPORT_COMPLAINTS', 1_000_000);
    const runs = intFromEnv('BENCH_REPORT_RUNS', 40);
    const consoleRuns = intFromEnv('BENCH_REPORT_CONSOLE_RUNS', 5);
    const warmup = 5;
    const now = new Date();
    const { months, quarters } = benchPeriods(now);
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    let gen: GenerateResult;
    let expected: { month: string; received: number; bn01: number }[];
    let bmToken: string;
    let bn01: string;
    try {
      const grown = await growOrganisation(stack, db);
      bmToken = grown.branchManagerToken;
      bn01 = grown.org.branches[0].id;
      gen = await generateReportData(db, grown.org, n, now, say);
      // What `received` must be, counted with SQL (the definition: received in the month, withdrawn/merged excluded).
      expected = (await db.query<{ month: string; received: string; bn01: string }>(`
        SELECT m.label AS month, count(f.*) AS received, count(f.*) FILTER (WHERE f.branch_id = $4) AS bn01
        FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS m(label, from_at, to_at)
        LEFT JOIN report_complaint_facts f ON f.tenant_id = $5 AND f.received_at >= m.from_at AND f.received_at < m.to_at AND NOT f.withdrawn AND NOT f.merged
        GROUP BY m.label`, [months.map((m) => m.label), months.map((m) => m.from), months.map((m) => m.to), bn01, stack.tenant.tenantId])).rows.map((r) => ({ month: r.month, received: Number(r.received), bn01: Number(r.bn01) }));
    } finally {
      await db.end();
    }
    if (stopping()) throw new Error('interrupted');

    const ho = stack.tenant.tokens.headOffice;
    const from = performance.now();
    const checkMonthly = (scope: 'ho' | 'bn01') => async (i: number): Promise<void> => {
      const m = months[i % months.length];
      const r = await stack.gql<{ monthlyReport: { received: number } }>(MONTHLY, { m: m.label }, scope === 'ho' ? ho : bmToken);
      const want = expected.find((e) => e.month === m.label);
      const w = scope === 'ho' ? want?.received : want?.bn01;
      if (w !== undefined && r.monthlyReport.received !== w) throw new Error(`monthlyReport(${m.label}).received = ${r.monthlyReport.received}, SQL count ${w}`);
    };
    let reviewItems = 0;
    const review = (token: string, count: boolean) => async (i: number): Promise<void> => {
      const q = quarters[i % quarters.length];
      const r = await stack.gql<{ quarterlyEscalationReview: { items: unknown[] } }>(REVIEW, { q: q.label }, token);
      if (count) reviewItems = Math.max(reviewItems, r.quarterlyEscalationReview.items.length);
    };
    say(`reports: monthlyReport over ${months.map((m) => m.label).join(', ')} and quarterlyEscalationReview over ${quarters.map((q) => q.label).join(', ')}; ${runs} sequential runs each after ${warmup} warm-up…`);
    const benches: QueryBench[] = [];
    benches.push(await measure('monthlyReport, head office', runs, warmup, checkMonthly('ho'), stopping));
    benches.push(await measure('quarterlyEscalationReview, head office', runs, warmup, review(ho, true), stopping));
    benches.push(await measure('monthlyReport, branch manager', runs, warmup, checkMonthly('bn01'), stopping));
    benches.push(await measure('quarterlyEscalationReview, branch manager', runs, warmup, review(bmToken, false), stopping));
    const to = performance.now();
    for (const b of benches) say(`reports: ${b.label}: ${fmtLatency(b.latency)} → ${b.pass ? 'PASS' : 'MISS'} (goal p99 ≤ ${GOAL_P99_MS} ms)${b.errors.length ? `; ${b.errors.length} error(s): ${b.errors[0]}` : ''}`);

    say(`reports: console first load (${consoleRuns} cold loads in Chromium)…`);
    const con = await consoleFirstLoad(stack, say, consoleRuns, quarters[quarters.length - 1].label).catch((err: Error) => ({
      url: '', files: [], wireBytes: 0, bytes: 0, firstReportMs: null, browserTransferBytes: 0, note: '', errors: [`console: ${err.message.split('\n')[0]}`],
    } as ConsoleLoad));
    const encodings = [...new Set(con.files.map((f) => f.encoding))].join(', ');
    say(`reports: console ${con.files.length} files, ${kb(con.wireBytes)} transferred (${encodings || 'n/a'}), ${kb(con.bytes)} uncompressed; first report ${con.firstReportMs ? fmtLatency(con.firstReportMs) : 'n/a'}${con.errors.length ? `; errors: ${con.errors.join(' | ')}` : ''}`);

    const errors = [...benches.flatMap((b) => b.errors), ...con.errors];
    const verdict = (b: QueryBench): string => `${fmtLatency(b.latency)}  ${b.pass ? 'PASS' : 'MISS'}`;
    return {
      id: 'reports',
      title: this.title,
      window: { from, to },
      metrics: [
        { label: 'generated', value: `${n.toLocaleString('en')} complaints, ${gen.stageFacts.toLocaleString('en')} stage facts, ${gen.escalations.toLocaleString('en')} escalations, ${gen.workOrders.toLocaleString('en')} work orders in ${gen.seconds.toFixed(0)} s (load ${gen.loadSeconds.toFixed(0)} s + vacuum/analyze ${gen.vacuumSeconds.toFixed(0)} s)` },
        ...benches.map((b) => ({ label: `${b.label} p50/p95/p99`, value: verdict(b) })),
        { label: 'review items per quarter (max)', value: String(reviewItems) },
        { label: 'console first load bytes', value: con.files.length ? `${kb(con.wireBytes)} over the wire (${encodings}), ${kb(con.bytes)} uncompressed, ${con.files.length} files` : 'n/a' },
        { label: 'console first report p50/p95/p99', value: con.firstReportMs ? `${fmtLatency(con.firstReportMs)}; the browser fetched ${kb(con.browserTransferBytes)} in all (GraphQL included)` : 'n/a' },
        { label: 'errors', value: String(errors.length) },
      ],
      data: {
        complaints: n, generated: gen, runs, warmup, goalP99Ms: GOAL_P99_MS, months: months.map((m) => m.label), quarters: quarters.map((q) => q.label),
        queries: Object.fromEntries(benches.map((b) => [b.label, { latencyMs: b.latency, pass: b.pass, errors: b.errors.length }])),
        reviewItemsMax: reviewItems,
        console: { url: con.url, files: con.files, wireBytes: con.wireBytes, bytes: con.bytes, firstReportMs: con.firstReportMs, browserTransferBytes: con.browserTransferBytes, note: con.note },
        errors: errors.length, errorSamples: errors.slice(0, 10),
      },
    };
  },
};
