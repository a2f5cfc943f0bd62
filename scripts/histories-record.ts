// npm run histories:record — records the replay corpus: real workflow histories, exported from a
// real Temporal server, of scenarios driven end to end (gateway over HTTP, real worker, real
// PostgreSQL). `npm test` replays every history under test/replay/ against the current workflow
// code (workflows/replay.spec.ts); see test/replay/README.md for the rules.
//
//   HISTORIES_DIR      where to write (default test/replay/<today, YYYY-MM-DD>); must not hold histories yet
//   TEMPORAL_ADDRESS   an existing Temporal server (else a dev server is started from the Temporal CLI)
//   DATABASE_URL       an existing PostgreSQL (else the embedded one under .data/histories-postgres)
//   HISTORIES_SCENARIOS  only these scenarios (comma-separated names, e.g. daily-report): a new workflow's
//                      histories without re-recording the whole corpus
//
// Never overwrites: a folder that already holds histories is refused, and every file is created
// with O_EXCL. Deadlines run on second-scale calendar durations, so breaches happen for real.
import { Client, Connection, WithStartWorkflowOperation, WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { randomUUID } from 'crypto';
import fs from 'fs';
import path from 'path';
import { DEADLINE_KINDS } from '../libs/domain/src/enums';
import type { BranchCalendar } from '../libs/domain/src/calendar/calendar.types';
import type { Policy } from '../libs/domain/src/policy/policy.types';
import { ensurePostgres } from './infra/postgres';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../apps/worker/src/observability/workflow-interceptor-modules';
import { resolveTemporal } from './infra/temporal-cli';
import { startTemporalDevServer } from './infra/temporal-server';
import { categoryModelWorkflowId, complaintWorkflowId, dailyReportWorkflowId, escalationWorkflowId, workOrderWorkflowId } from '../workflows/shared/ids';
import { retrainWorkflowId } from '../apps/gateway/src/category-model/category-model.service';
import { workOrderPolicyOf } from '../libs/domain/src/policy/policy.util';
import type { WorkOrderPolicy } from '../libs/domain/src/work-order/work-order.types';
import {
  WorkOrderWorkflowInput, cancelWorkOrderUpdate, completeWorkOrderUpdate, contractorContactUpdate, onSiteUpdate, reassignWorkOrderUpdate,
  returnVisitUpdate, signWorkOrderUpdate, workOrderIssuedUpdate, workOrderStateQuery,
} from '../workflows/shared/work-order';
import type { ComplaintWorkflowInput } from '../workflows/shared/complaint.types';
import { tenantSearchAttributes } from '../workflows/shared/search-attributes';
import { acknowledgeUpdate, calendarChangedSignal, dispatchUpdate, followUpUpdate, intakeUpdate } from '../workflows/shared/updates';
import { customerRespondedSignal, severityRuleSignal } from '../workflows/shared/updates';
import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup } from '../test/support/fixtures';
import { Stack, eventually } from '../test/support/stack';
import { historyToJsonValue } from '../test/support/history-json';

const ROOT = path.join(__dirname, '..');
const started = Date.now();
const say = (s: string): void => void process.stdout.write(`[histories ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${s}\n`);

/** A month of calendar time: never falls due while recording. */
const FAR = { after: 'P30D', businessTime: false };
/** Two seconds of calendar time: falls due for real while recording. */
const SHORT = { after: 'PT2S', businessTime: false };
const deadlines = (rule: Record<string, unknown>): Record<string, Record<string, unknown>> =>
  Object.fromEntries(DEADLINE_KINDS.map((k) => [k, { ...rule, rule: null, offHoursAfter: null }]));
const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
const SET_POLICY = `mutation($o: JSON!) { setPolicy(overrides: $o) { policyVersion } }`;
const SET_CALENDAR = `mutation($b: ID!, $c: BranchCalendarInput!) { setBranchCalendar(branchId: $b, calendar: $c) { id } }`;

export function defaultHistoriesDir(now = new Date()): string {
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return path.join(ROOT, 'test', 'replay', day);
}

/** Refuses a folder that already holds histories: committed histories are never replaced. */
class RefusedError extends Error {}

export function prepareOutputDir(dir: string): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.endsWith('.json'))) {
    throw new RefusedError(
      `${path.relative(ROOT, dir) || dir} already holds histories, and recorded histories are never overwritten. ` +
        'Set HISTORIES_DIR to a new folder (e.g. test/replay/<date>-2) to record another set.',
    );
  }
  fs.mkdirSync(dir, { recursive: true });
}

type Complaint = Record<string, any>;
type TimelineEvent = { type: string; data: Record<string, any> };

interface Recorded {
  scenario: string;
  workflowId: string;
}

async function main(): Promise<void> {
  const outDir = path.resolve(process.env.HISTORIES_DIR?.trim() || defaultHistoriesDir());
  prepareOutputDir(outDir);
  say(`writing histories to ${outDir}`);

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch((e) => say(`while stopping: ${String(e)}`));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

  try {
    // --- infrastructure: Temporal, PostgreSQL, the workflow bundle ------------------------------------
    const target = await resolveTemporal({ log: say });
    let address: string;
    if (target.external) {
      address = target.address;
      say(`Temporal at ${address} (TEMPORAL_ADDRESS)`);
    } else {
      const server = await startTemporalDevServer({ cliPath: target.cliPath, headless: true, log: say });
      stops.push(server.stop);
      address = server.address;
      say(`Temporal dev server at ${address}`);
    }
    const pg = await ensurePostgres({ dataDir: path.join(ROOT, '.data', 'histories-postgres'), port: 0, log: say });
    stops.push(pg.stop);
    say(`PostgreSQL ready (${pg.embedded ? 'embedded' : 'DATABASE_URL'})`);
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve(path.join(ROOT, 'workflows')), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: undefined });
    const bundlePath = path.join(ROOT, '.data', `histories-workflow-bundle-${process.pid}.js`);
    fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
    fs.writeFileSync(bundlePath, code);
    stops.push(async () => fs.rmSync(bundlePath, { force: true }));
    say('workflow bundle ready');

    // The test stack (scratch database with migrations, in-process worker, in-process gateway) reads these.
    process.env.TEST_TEMPORAL_ADDRESS = address;
    process.env.TEST_DATABASE_URL = pg.url;
    process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
    // One complaint per page: the propagation workflow continues as new between pages.
    process.env.CALENDAR_PROPAGATION_PAGE_SIZE = '1';
    const stack = await Stack.start('histories');
    stops.push(() => stack.stop());
    const connection = await Connection.connect({ address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    say(`stack up: gateway ${stack.url}, task queue ${stack.taskQueue}`);

    // --- tenants ------------------------------------------------------------------------------------
    // "met": every deadline a month away, so each is met by its action. "breach": every deadline two seconds.
    const met = await provisionGroup(stack, 'Histories Met Group', 'pm-branch', 'HM01');
    await stack.ok(SET_POLICY, { o: { deadlines: deadlines(FAR) } }, met.tokens.headOffice);
    const breach = await provisionGroup(stack, 'Histories Breach Group', 'pm-branch', 'HB01');
    await stack.ok(SET_POLICY, { o: { deadlines: deadlines(SHORT) } }, breach.tokens.headOffice);
    const contractorOf = async (g: Group): Promise<string> =>
      (await stack.ok(`mutation($r: [RoleAssignmentInput!]!) { createUser(name: "Lift Contractor Ltd", roles: $r) { id } }`, { r: [{ role: 'CONTRACTOR', branchId: g.branchId }] }, g.tokens.headOffice)).createUser.id;
    const metContractor = await contractorOf(met);
    const breachContractor = await contractorOf(breach);
    say('tenants provisioned');

    const recorded: Recorded[] = [];
    const keep = (scenario: string, workflowId: string): void => void recorded.push({ scenario, workflowId });

    // --- GraphQL helpers ----------------------------------------------------------------------------
    const submit = async (g: Group, key: string, extra: Record<string, unknown> = {}, token = g.tokens.dispatcher): Promise<Complaint> =>
      (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, key, extra) }, token)).submitComplaint;
    const q = (s: string): string => JSON.stringify(s);
    const mutate = async (name: string, args: string, token: string): Promise<Complaint> =>
      (await stack.ok(`mutation { ${name}(${args}) { ${COMPLAINT_FIELDS} } }`, {}, token))[name];
    const staff = (g: Group, c: Complaint) => ({
      dispatch: (assigneeId = g.handler, extra = '') => mutate('dispatchComplaint', `id: "${c.id}", assigneeId: "${assigneeId}", note: "please call the owner"${extra}`, g.tokens.dispatcher),
      acknowledge: (token = g.tokens.handler) => mutate('acknowledgeComplaint', `id: "${c.id}"`, token),
      followUp: (customerInformed: boolean, extra = '', token = g.tokens.handler) =>
        mutate('recordFollowUp', `id: "${c.id}", note: ${q(customerInformed ? 'told the owner the part arrives Friday' : 'chased the lift company')}, customerInformed: ${customerInformed}${extra}`, token),
      validity: (validity = 'VALID') => mutate('determineValidity', `id: "${c.id}", validity: ${validity}, responsibility: ${validity === 'VALID' ? 'RESPONSIBLE' : 'NON_RESPONSIBLE'}, reason: "inspected on site"`, g.tokens.branchManager),
      resolve: (token = g.tokens.handler) => mutate('resolveComplaint', `id: "${c.id}", resolution: "Replaced the pump", customerSigned: true`, token),
      callback: (satisfied: boolean) => mutate('recordCallback', `id: "${c.id}", method: PHONE, satisfied: ${satisfied}, comment: ${q(satisfied ? 'thanks' : 'still broken')}`, g.tokens.dispatcher),
      withdraw: () => mutate('withdrawComplaint', `id: "${c.id}", reason: "the owner fixed it herself"`, g.tokens.dispatcher),
      specialReport: () => mutate('submitSpecialReport', `id: "${c.id}", whatHappened: "Water pump failed", rootCause: "No maintenance contract", preventiveMeasures: "Quarterly checks"`, g.tokens.branchManager),
    });
    const get = async (g: Group, id: string): Promise<Complaint> => (await stack.ok(`query { complaint(id: "${id}") { ${COMPLAINT_FIELDS} } }`, {}, g.tokens.headOffice)).complaint;
    const untilTimeline = (g: Group, id: string, what: string, test: (events: TimelineEvent[]) => boolean): Promise<Complaint> =>
      eventually(async () => {
        const c = await get(g, id);
        return test(c.timeline as TimelineEvent[]) ? c : undefined;
      }, 60_000, 250).catch((e) => {
        throw new Error(`complaint ${id}: ${what} did not happen (${String(e)})`);
      });
    const breached = (kind: string) => (events: TimelineEvent[]) => events.some((e) => e.type === 'DEADLINE_BREACHED' && e.data.kind === kind);
    const hasEvent = (type: string) => (events: TimelineEvent[]) => events.some((e) => e.type === type);
    const statusIs = async (g: Group, id: string, status: string): Promise<void> => {
      await eventually(async () => ((await get(g, id)).status === status ? true : undefined), 60_000, 250);
    };
    const only = (process.env.HISTORIES_SCENARIOS ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    const scenario = async (name: string, run: () => Promise<void>): Promise<void> => {
      if (only.length > 0 && !only.includes(name)) return;
      const t0 = Date.now();
      await run();
      say(`scenario ${name} done (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    };

    // --- direct starts (as data from an older release or a bug would reach the engine) ----------------
    async function directInput(g: Group, key: string, change: (input: ComplaintWorkflowInput) => void = () => undefined): Promise<ComplaintWorkflowInput> {
      const [{ document }] = await stack.db.query(`SELECT document FROM policy_versions WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1`, [g.tenantId]);
      const [{ version }] = await stack.db.query(`SELECT max(version)::int AS version FROM policy_versions WHERE tenant_id = $1`, [g.tenantId]);
      const [branch] = await stack.db.query(`SELECT calendar FROM branches WHERE id = $1`, [g.branchId]);
      const input: ComplaintWorkflowInput = {
        tenantId: g.tenantId, complaintId: randomUUID(), policy: document as Policy, policyVersion: version, calendar: branch.calendar as BranchCalendar,
        intake: {
          idempotencyKey: key, branchId: g.branchId, companyId: g.companyId, branchCode: g.branchCode, channel: 'PHONE', kind: 'COMPLAINT',
          category: 'PROPERTY_MANAGEMENT', description: 'The lift in building 3 is broken', demand: null, location: null,
          complainant: { name: 'Ms Zhang', phone: '13800138000', unit: '3-1202' }, householdsAffected: 1, lossAmountYuan: null, injury: false,
          mediaExposure: false, litigation: false, emergency: false, receivedAt: Date.now(), firstContactOwnerId: g.dispatcher, customerDeadline: null,
        },
      };
      change(input);
      return input;
    }
    async function directIntake(input: ComplaintWorkflowInput): Promise<WorkflowHandle> {
      const workflowId = complaintWorkflowId(input.tenantId, input.complaintId);
      const startWorkflowOperation = new WithStartWorkflowOperation('complaintWorkflow', {
        workflowId, taskQueue: stack.taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: tenantSearchAttributes(input.tenantId),
      });
      await client.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation }).catch(() => undefined);
      return client.workflow.getHandle(workflowId);
    }

    // --- scenarios: every update, each deadline met -----------------------------------------------------
    await scenario('met-every-deadline', async () => {
      const c = await submit(met, 'met-every-deadline');
      const a = staff(met, c);
      await a.dispatch();
      await a.acknowledge();
      await a.followUp(false);
      await a.followUp(true);
      await a.validity();
      await a.resolve();
      await a.callback(true);
      await statusIs(met, c.id, 'CLOSED');
      keep('met-every-deadline', c.workflowId);
    });

    await scenario('reopen-after-unsatisfied-callback', async () => {
      const c = await submit(met, 'reopen');
      const a = staff(met, c);
      await a.dispatch();
      await a.acknowledge();
      await a.resolve();
      await a.callback(false);
      await a.acknowledge();
      await a.followUp(true);
      await a.resolve();
      await a.callback(true);
      await statusIs(met, c.id, 'CLOSED');
      keep('reopen-after-unsatisfied-callback', c.workflowId);
    });

    await scenario('major-repair-contractor-special-report', async () => {
      const c = await submit(met, 'major-repair', { kind: 'REPAIR', householdsAffected: 5 });
      if (c.severity !== 'MAJOR') throw new Error(`expected a MAJOR complaint, got ${c.severity}`);
      const a = staff(met, c);
      const contractorToken = stack.token(metContractor, met.tenantId);
      await a.dispatch(metContractor);
      await a.acknowledge(contractorToken);
      await a.followUp(true, '', contractorToken);
      await a.validity();
      await a.resolve(contractorToken);
      await a.callback(true);
      await untilTimeline(met, c.id, 'SPECIAL_REPORT_REQUIRED', hasEvent('SPECIAL_REPORT_REQUIRED'));
      await a.specialReport();
      await statusIs(met, c.id, 'CLOSED');
      keep('major-repair-contractor-special-report', c.workflowId);
    });

    await scenario('hot-special-report-before-analysis', async () => {
      // A special report submitted while the complaint is still being handled.
      const c = await submit(met, 'hot-early-report', { householdsAffected: 5 });
      const a = staff(met, c);
      await a.dispatch();
      await a.specialReport();
      keep('hot-special-report-before-analysis', c.workflowId);
    });

    await scenario('redispatch-and-withdraw', async () => {
      const c = await submit(met, 'withdraw');
      const a = staff(met, c);
      await a.dispatch();
      await a.validity();
      await a.dispatch(met.branchManager);
      await a.withdraw();
      await statusIs(met, c.id, 'WITHDRAWN');
      keep('redispatch-and-withdraw', c.workflowId);
    });

    await scenario('same-request-id-twice', async () => {
      const c = await submit(met, 'request-id');
      // The same intake key again attaches to the same complaint.
      const again = await submit(met, 'request-id');
      if (again.id !== c.id) throw new Error('the same idempotency key made a second complaint');
      const a = staff(met, c);
      await a.dispatch(met.handler, ', requestId: "dispatch-1"');
      await a.dispatch(met.handler, ', requestId: "dispatch-1"');
      await a.acknowledge();
      await Promise.all([a.followUp(false, ', requestId: "follow-up-1"'), a.followUp(false, ', requestId: "follow-up-1"')]);
      await a.followUp(false, ', requestId: "follow-up-1"');
      const now = await get(met, c.id);
      const followUps = (now.timeline as TimelineEvent[]).filter((e) => e.type === 'FOLLOW_UP').length;
      if (followUps !== 1) say(`  note: ${followUps} FOLLOW_UP events for one requestId (exactly-once is issue 8, part 2)`);
      keep('same-request-id-twice', c.workflowId);
    });

    await scenario('invalid-complaint-skips-callback', async () => {
      await stack.ok(SET_POLICY, { o: { deadlines: deadlines(FAR), callback: { requiredFor: 'VALID' } } }, met.tokens.headOffice);
      const c = await submit(met, 'invalid');
      const a = staff(met, c);
      await a.dispatch();
      await a.acknowledge();
      await a.validity('INVALID');
      await a.resolve();
      await statusIs(met, c.id, 'CLOSED');
      keep('invalid-complaint-skips-callback', c.workflowId);
      await stack.ok(SET_POLICY, { o: { deadlines: deadlines(FAR) } }, met.tokens.headOffice);
    });

    // --- each deadline breached ---------------------------------------------------------------------------
    await scenario('breach-idle-complaint', async () => {
      // Never dispatched: FORWARD, CUSTOMER_REPLY, RESOLUTION, WHOLE_PROCESS run out; left open (a running complaint).
      const c = await submit(breach, 'breach-idle');
      for (const kind of ['FORWARD', 'CUSTOMER_REPLY', 'RESOLUTION', 'WHOLE_PROCESS']) await untilTimeline(breach, c.id, `${kind} breach`, breached(kind));
      keep('breach-idle-complaint', c.workflowId);
    });

    await scenario('breach-every-step-major-repair', async () => {
      // A major repair handed to a contractor who is late at every step, then closed.
      const c = await submit(breach, 'breach-repair', { kind: 'REPAIR', householdsAffected: 5 });
      const a = staff(breach, c);
      const contractorToken = stack.token(breachContractor, breach.tenantId);
      await a.dispatch(breachContractor);
      for (const kind of ['CONTRACTOR_CONTACT', 'ACKNOWLEDGE', 'VALIDITY', 'FOLLOW_UP_1', 'FOLLOW_UP_2', 'REPORT']) {
        await untilTimeline(breach, c.id, `${kind} breach`, breached(kind));
      }
      await a.acknowledge(contractorToken);
      await untilTimeline(breach, c.id, 'PROGRESS_REPLY breach', breached('PROGRESS_REPLY'));
      await a.followUp(false, '', contractorToken);
      await a.resolve(contractorToken);
      await untilTimeline(breach, c.id, 'CALLBACK breach', breached('CALLBACK'));
      await a.callback(true);
      await untilTimeline(breach, c.id, 'SPECIAL_REPORT_REQUIRED', hasEvent('SPECIAL_REPORT_REQUIRED'));
      await a.specialReport();
      await statusIs(breach, c.id, 'CLOSED');
      keep('breach-every-step-major-repair', c.workflowId);
    });

    // --- calendar change: signal, propagation workflow ------------------------------------------------------
    await scenario('calendar-changed', async () => {
      const branch = (await stack.ok(`mutation($c: ID!) { createBranch(companyId: $c, code: "HMCAL", name: "Calendar Estate") { id } }`, { c: met.companyId }, met.tokens.headOffice)).createBranch.id;
      // Head office reaches every branch: it acts on the new branch's complaints.
      const ho = met.tokens.headOffice;
      const g: Group = { ...met, branchId: branch, tokens: { ...met.tokens, dispatcher: ho, handler: ho, branchManager: ho } };
      await stack.ok(SET_CALENDAR, { b: branch, c: { timezone: 'Asia/Shanghai', workingHours: ALL_DAY } }, met.tokens.headOffice);
      // Business-time deadlines, so the change moves them.
      await stack.ok(SET_POLICY, { o: { deadlines: deadlines({ after: 'P5D', businessTime: true }) } }, met.tokens.headOffice);
      const first = await submit(g, 'calendar-1', {}, met.tokens.headOffice);
      const second = await submit(g, 'calendar-2', {}, met.tokens.headOffice);
      await staff(g, second).dispatch(met.headOffice);
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      await stack.ok(SET_CALENDAR, { b: branch, c: { timezone: 'Asia/Shanghai', workingHours: ALL_DAY, holidays: [today] } }, met.tokens.headOffice);
      for (const c of [first, second]) await untilTimeline(g, c.id, 'CALENDAR_CHANGED', hasEvent('CALENDAR_CHANGED'));
      keep('calendar-changed', first.workflowId);
      keep('calendar-changed-dispatched', second.workflowId);
      const propagation = await eventually(async () => {
        for await (const w of client.workflow.list({ query: `WorkflowType = 'calendarPropagationWorkflow' AND ExecutionStatus = 'Completed'` })) {
          if (w.workflowId.includes(branch)) return w.workflowId;
        }
        return undefined;
      }, 60_000, 500);
      keep('calendar-propagation', propagation);
      await stack.ok(SET_POLICY, { o: { deadlines: deadlines(FAR) } }, met.tokens.headOffice);
    });

    // --- tenant isolation: commands sent for another tenant -------------------------------------------------
    await scenario('calendar-signal-other-tenant', async () => {
      const c = await submit(met, 'other-tenant');
      await staff(met, c).dispatch();
      const handle = client.workflow.getHandle(c.workflowId);
      const [{ calendar }] = await stack.db.query(`SELECT calendar FROM branches WHERE id = $1`, [met.branchId]);
      // As a defect in a sender would address it: another tenant's calendar change is ignored (recorded nothing),
      // and another tenant's action is rejected by its validator (never enters the history).
      await handle.signal(calendarChangedSignal, { tenantId: breach.tenantId, calendar: calendar as BranchCalendar, changedBy: breach.headOffice });
      const refused = await handle.executeUpdate(acknowledgeUpdate, { args: [{ tenantId: breach.tenantId, actorId: breach.handler }] }).then(() => false, () => true);
      if (!refused) throw new Error('an action sent for another tenant was applied');
      // The complaint's own tenant: applied.
      await handle.signal(calendarChangedSignal, { tenantId: met.tenantId, calendar: calendar as BranchCalendar, changedBy: met.headOffice });
      await untilTimeline(met, c.id, 'CALENDAR_CHANGED', hasEvent('CALENDAR_CHANGED'));
      const changes = (await get(met, c.id)).timeline.filter((e: TimelineEvent) => e.type === 'CALENDAR_CHANGED').length;
      if (changes !== 1) throw new Error(`expected one CALENDAR_CHANGED (the own tenant's), found ${changes}`);
      await staff(met, c).acknowledge();
      keep('calendar-signal-other-tenant', c.workflowId);
    });

    // --- containment: a write that fails for good, an uncomputable deadline -----------------------------
    await scenario('projection-failed', async () => {
      const c = await submit(met, 'projection-failed');
      await staff(met, c).dispatch();
      const handle = client.workflow.getHandle(c.workflowId);
      // A NUL in a note: PostgreSQL refuses the write for good (the gateway would refuse it first).
      const refused = await handle.executeUpdate(followUpUpdate, { args: [{ tenantId: met.tenantId, actorId: met.handler, note: 'called the owner\u0000', customerInformed: true }] }).then(() => false, () => true);
      if (!refused) throw new Error('the poisoned follow-up was not refused');
      await staff(met, c).acknowledge();
      await untilTimeline(met, c.id, 'PROJECTION_FAILED', hasEvent('PROJECTION_FAILED'));
      keep('projection-failed', c.workflowId);
    });

    await scenario('registration-failed', async () => {
      const input = await directInput(met, 'registration-failed', (i) => (i.intake.description = 'lift broken\u0000'));
      const handle = await directIntake(input);
      await handle.result().then(() => { throw new Error('registration did not fail'); }, () => undefined);
      keep('registration-failed', handle.workflowId);
    });

    await scenario('deadline-uncomputable', async () => {
      const input = await directInput(met, 'uncomputable', (i) => (i.policy.deadlines.CUSTOMER_REPLY = { after: 'P5000000D', businessTime: true }));
      const handle = await directIntake(input);
      await untilTimeline(met, input.complaintId, 'DEADLINE_UNCOMPUTABLE', hasEvent('DEADLINE_UNCOMPUTABLE'));
      await handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: met.tenantId, actorId: met.dispatcher, assigneeId: met.handler, note: null }] });
      keep('deadline-uncomputable', handle.workflowId);
    });

    // --- continue-as-new -------------------------------------------------------------------------------------
    await scenario('continue-as-new', async () => {
      const input = await directInput(met, 'continue-as-new', (i) => (i.maxHistoryEvents = 30));
      const handle = await directIntake(input);
      const firstRun = (await handle.describe()).runId;
      await handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: met.tenantId, actorId: met.dispatcher, assigneeId: met.handler, note: null }] });
      for (let i = 0; i < 20 && (await handle.describe()).runId === firstRun; i++) {
        await handle.executeUpdate(followUpUpdate, { args: [{ tenantId: met.tenantId, actorId: met.handler, note: `follow-up ${i + 1}`, customerInformed: i % 2 === 0 }] });
      }
      if ((await handle.describe()).runId === firstRun) throw new Error('the workflow did not continue as new');
      // The new run carries on: actions after continue-as-new.
      const c = { id: input.complaintId };
      await staff(met, c).acknowledge();
      await staff(met, c).resolve();
      keep('continue-as-new', handle.workflowId);
    });

    // --- same matter: five households linked into one matter (pm-branch: MAJOR), every complaint signalled ----
    await scenario('same-matter', async () => {
      const cs: Complaint[] = [];
      for (let i = 0; i < 5; i++) cs.push(await submit(met, `same-matter-${i}`, { complainant: { name: `Owner ${i}`, phone: `1391234000${i}`, unit: `8-${101 + i}` } }));
      let matterId = '';
      for (const c of cs.slice(1)) {
        matterId = (await stack.ok(`mutation { linkSameMatter(id: "${cs[0].id}", otherId: "${c.id}") { matterId } }`, {}, met.tokens.dispatcher)).linkSameMatter.matterId;
      }
      for (const c of cs) await untilTimeline(met, c.id, 'the matter\'s upgrade', (events) => events.some((e) => e.type === 'SEVERITY_CHANGED'));
      keep('same-matter', `matter/${met.tenantId}/${matterId}`);
      keep('same-matter-complaint', cs[0].workflowId as string);
    });

    // --- escalations: an emergency not acknowledged in time climbs (branch manager → head office) and is
    // acknowledged; another is stopped by its complaint's withdrawal while it waits --------------------------
    await scenario('escalation', async () => {
      const esc = await provisionGroup(stack, 'Histories Escalation Group', 'pm-branch', 'HE01');
      const levels = [{ level: 'BRANCH_MANAGER', ackWithin: 'PT2S' }, { level: 'HEAD_OFFICE', ackWithin: 'PT1H' }];
      await stack.ok(SET_POLICY, { o: { deadlines: deadlines(FAR), escalation: { triggers: { EMERGENCY: { levels, repeatLastEvery: 'PT1H' } } } } }, esc.tokens.headOffice);
      const ESCALATIONS = `query($id: ID!) { complaint(id: $id) { escalations { id level superseded } } }`;
      const escalationsOf = async (id: string): Promise<{ id: string; level: string; superseded: boolean }[]> =>
        (await stack.ok(ESCALATIONS, { id }, esc.tokens.headOffice)).complaint.escalations;
      const climbed = await submit(esc, 'escalation-climbs', { emergency: true });
      const top = await eventually(async () => (await escalationsOf(climbed.id)).find((e) => e.level === 'HEAD_OFFICE'), 60_000, 250);
      await stack.ok(`mutation($id: ID!) { acknowledgeEscalation(id: $id, requestId: "ack-1") { id } }`, { id: top.id }, esc.tokens.headOffice);
      await staff(esc, climbed).withdraw();
      keep('escalation-complaint', climbed.workflowId as string);
      keep('escalation-acknowledged', escalationWorkflowId(esc.tenantId, climbed.id, 'EMERGENCY', 1));
      const stopped = await submit(esc, 'escalation-stopped', { emergency: true });
      await eventually(async () => ((await escalationsOf(stopped.id)).length > 0 ? true : undefined), 60_000, 250);
      await staff(esc, stopped).withdraw();
      const handle = client.workflow.getHandle(escalationWorkflowId(esc.tenantId, stopped.id, 'EMERGENCY', 1));
      await handle.result();
      keep('escalation-stopped-by-withdrawal', handle.workflowId);
    });

    // --- severity that follows the facts: an outage upgrading after its window (training, 2 s) and one restored
    // in time; facts updated, reclassified, a matter's rule (twice, and another tenant's, ignored); a responsible
    // complaint climbing HOT → MAJOR (vanke-sh, 2 s / 4 s); a reopened one becoming IMPORTANT ---------------------
    await scenario('severity-follows-facts', async () => {
      const tr = await provisionGroup(stack, 'Histories Severity Group', 'training', 'HS01');
      await stack.ok(SET_POLICY, { o: { deadlines: deadlines(FAR), severity: { facilityOutageMajorAfter: 'PT2S' } } }, tr.tokens.headOffice);
      const outage = await submit(tr, 'severity-outage', { facilityOutage: { kind: 'ELEVATOR', since: new Date().toISOString() } });
      await untilTimeline(tr, outage.id, 'the outage upgrade', (events) => events.some((e) => e.type === 'SEVERITY_CHANGED' && e.data.rule === 'facilityOutage'));
      keep('severity-facility-outage', outage.workflowId as string);

      const c = await submit(tr, 'severity-restored', { facilityOutage: { kind: 'WATER', since: new Date().toISOString() } });
      await mutate('recordFacilityRestored', `id: "${c.id}", restoredAt: ${q(new Date().toISOString())}, requestId: "restore-1"`, tr.tokens.dispatcher);
      await mutate('updateComplaintFacts', `id: "${c.id}", householdsAffected: 3, reason: "two neighbours joined", requestId: "facts-1"`, tr.tokens.dispatcher);
      await mutate('reclassify', `id: "${c.id}", category: OTHER, severity: HOT, reason: "one stairwell only", requestId: "reclassify-1"`, tr.tokens.branchManager);
      const handle = client.workflow.getHandle(c.workflowId as string);
      const rule = { severity: 'MAJOR' as const, rule: 'sameMatterComplaintsMajor', matterId: null, firedAt: Date.now() };
      await handle.signal(severityRuleSignal, { ...rule, tenantId: met.tenantId });
      await handle.signal(severityRuleSignal, { ...rule, tenantId: tr.tenantId });
      await handle.signal(severityRuleSignal, { ...rule, tenantId: tr.tenantId });
      await untilTimeline(tr, c.id, 'the matter rule', (events) => events.some((e) => e.type === 'SEVERITY_CHANGED' && e.data.rule === 'matter:sameMatterComplaintsMajor'));
      keep('severity-facts-reclassify-matter', c.workflowId as string);

      const vk = await provisionGroup(stack, 'Histories Vanke Group', 'vanke-sh', 'HV01');
      await stack.ok(SET_POLICY, { o: { deadlines: deadlines(FAR), severity: { unresolvedHotAfter: 'PT2S', unresolvedMajorAfter: 'PT4S' } } }, vk.tokens.headOffice);
      const late = await submit(vk, 'severity-unresolved');
      await staff(vk, late).validity();
      await untilTimeline(vk, late.id, 'unresolved → MAJOR', (events) => events.some((e) => e.type === 'SEVERITY_CHANGED' && e.data.rule === 'unresolvedMajorAfter'));
      keep('severity-unresolved', late.workflowId as string);
      const again = await submit(vk, 'severity-reopened');
      const a = staff(vk, again);
      await a.dispatch();
      await a.acknowledge();
      await a.resolve();
      await a.callback(false);
      await untilTimeline(vk, again.id, 'reopened → IMPORTANT', (events) => events.some((e) => e.type === 'SEVERITY_CHANGED' && e.data.rule === 'reopenedImportant'));
      keep('severity-reopened', again.workflowId as string);
    });

    // --- merge and hand-over (首问责任制): the merged complaint ends, its survivor hears of it (a signal) ----------
    await scenario('merge-and-hand-over', async () => {
      const survivor = await submit(met, 'merge-survivor');
      const merged = await submit(met, 'merge-merged');
      await staff(met, merged).dispatch();
      await mutate('handOver', `id: "${survivor.id}", toUserId: "${met.handler}", note: "Wang knows the building", requestId: "hand-over-1"`, met.tokens.dispatcher);
      await mutate('mergeComplaint', `id: "${merged.id}", intoId: "${survivor.id}", reason: "same leak, same flat", requestId: "merge-1"`, met.tokens.dispatcher);
      await statusIs(met, merged.id, 'MERGED');
      await untilTimeline(met, survivor.id, 'MERGE_RECEIVED', hasEvent('MERGE_RECEIVED'));
      keep('merge-merged', merged.workflowId as string);
      keep('merge-survivor', survivor.workflowId as string);
    });

    // --- work orders (issue 11): the work-order workflow started as the gateway starts it (update-with-start,
    // its input read from the complaint, the policy and the branch calendar), its Updates sent as the gateway
    // sends them (retry keys `action-…`) ------------------------------------------------------------------------
    async function issueWorkOrder(
      g: Group, complaintId: string, contractorId: string, change: (input: WorkOrderWorkflowInput) => void = () => undefined,
    ): Promise<WorkflowHandle> {
      const [{ document }] = await stack.db.query(`SELECT document FROM policy_versions WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1`, [g.tenantId]);
      const [branch] = await stack.db.query(`SELECT calendar FROM branches WHERE id = $1`, [g.branchId]);
      const [row] = await stack.db.query(`SELECT received_at, category FROM complaints WHERE id = $1`, [complaintId]);
      const policy = document as Policy;
      const input: WorkOrderWorkflowInput = {
        tenantId: g.tenantId, workOrderId: randomUUID(), branchId: g.branchId, companyId: g.companyId, issuedBy: g.dispatcher, contractorId,
        trade: 'PLUMBING', description: 'Kitchen pipe leaking under the sink',
        context: {
          complaintId, complaintReceivedAt: new Date(row.received_at).getTime(), complaintCategory: row.category,
          policy: workOrderPolicyOf(policy), contactRule: policy.deadlines.CONTRACTOR_CONTACT,
        },
        calendar: branch.calendar as BranchCalendar,
      };
      change(input);
      const workflowId = workOrderWorkflowId(input.tenantId, input.workOrderId);
      const startWorkflowOperation = new WithStartWorkflowOperation('workOrderWorkflow', {
        workflowId, taskQueue: stack.taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: tenantSearchAttributes(input.tenantId),
      });
      await client.workflow.executeUpdateWithStart(workOrderIssuedUpdate, { startWorkflowOperation });
      return client.workflow.getHandle(workflowId);
    }
    const orderState = (h: WorkflowHandle): Promise<Record<string, any>> => h.query(workOrderStateQuery) as Promise<Record<string, any>>;
    const untilOrder = (h: WorkflowHandle, what: string, test: (s: Record<string, any>) => boolean): Promise<Record<string, any>> =>
      eventually(async () => {
        const s = await orderState(h);
        return test(s) ? s : undefined;
      }, 60_000, 250).catch((e) => {
        throw new Error(`work order ${h.workflowId}: ${what} did not happen (${String(e)})`);
      });
    const breachedOrder = (kind: string, attempt: number) => (s: Record<string, any>): boolean =>
      (s.deadlines as { kind: string; attempt: number; breachedAt: number | null }[]).some((d) => d.kind === kind && d.attempt === attempt && d.breachedAt !== null);
    const act = (g: Group, actorId: string) => ({ tenantId: g.tenantId, actorId });
    /** A second plumber on the group's branch; both plumbers on the PLUMBING list (the first ranked higher). */
    const plumbers = async (g: Group, first: string): Promise<string> => {
      const second = (await stack.ok(`mutation($r: [RoleAssignmentInput!]!) { createUser(name: "Pipe Masters Ltd", roles: $r) { id } }`, { r: [{ role: 'CONTRACTOR', branchId: g.branchId }] }, g.tokens.headOffice)).createUser.id;
      for (const [user, rank] of [[first, 1], [second, 2]] as const) {
        await stack.db.query(`INSERT INTO contractor_trades (tenant_id, user_id, trade, rank) VALUES ($1, $2, 'PLUMBING', $3) ON CONFLICT DO NOTHING`, [g.tenantId, user, rank]);
      }
      return second;
    };

    await scenario('work-order-completed', async () => {
      // Issue → contact (the same request twice) → on site → completed and signed → a satisfied return visit; another
      // tenant's Update refused; a short history limit, so the order continues as new on the way.
      const c = await submit(met, 'work-order-completed', { kind: 'REPAIR' });
      await staff(met, c).dispatch();
      const h = await issueWorkOrder(met, c.id, metContractor, (i) => (i.maxHistoryEvents = 14));
      const id = h.workflowId.split('/')[2];
      const contact = { args: [{ ...act(met, metContractor), bookedFor: Date.now() + 3_600_000 }] as const, updateId: `action-${id}-contact-1` };
      await h.executeUpdate(contractorContactUpdate, { args: [...contact.args], updateId: contact.updateId });
      await h.executeUpdate(contractorContactUpdate, { args: [...contact.args], updateId: contact.updateId });
      const refused = await h.executeUpdate(onSiteUpdate, { args: [act(breach, breachContractor)] }).then(() => false, () => true);
      if (!refused) throw new Error('a work-order action sent for another tenant was applied');
      await h.executeUpdate(onSiteUpdate, { args: [act(met, metContractor)], updateId: `action-${id}-on-site-1` });
      await h.executeUpdate(completeWorkOrderUpdate, {
        args: [{
          ...act(met, metContractor), chargeYuan: 80, signature: { signedBy: 'Ms Zhang', signedAt: Date.now(), imageId: null },
          materials: [{ name: 'PPR pipe 20 mm', source: 'COMPANY', amountYuan: 35, checkPassed: true }, { name: 'Tap', source: 'CUSTOMER', amountYuan: null, checkPassed: null }],
        }],
        updateId: `action-${id}-complete-1`,
      });
      await h.executeUpdate(returnVisitUpdate, { args: [{ ...act(met, met.dispatcher), method: 'PHONE', satisfied: true, comment: 'works fine' }], updateId: `action-${id}-return-visit-1` });
      await h.result();
      if ((await runsOf(client, h.workflowId)).length < 2) throw new Error('the work order did not continue as new');
      keep('work-order-completed', h.workflowId);
    });

    await scenario('work-order-return-visit-unsatisfied', async () => {
      // The complaint waits for its callback when the work order's return visit is unsatisfied: the order reopens
      // (attempt 2, same contractor) and the complaint gets the signal and reopens too. Both left running.
      const c = await submit(met, 'work-order-reopened', { kind: 'REPAIR' });
      const a = staff(met, c);
      await a.dispatch();
      await a.acknowledge();
      const h = await issueWorkOrder(met, c.id, metContractor);
      await h.executeUpdate(contractorContactUpdate, { args: [{ ...act(met, metContractor), bookedFor: Date.now() + 60_000 }] });
      await h.executeUpdate(completeWorkOrderUpdate, { args: [{ ...act(met, metContractor), materials: [], chargeYuan: null, signature: null }] });
      await h.executeUpdate(signWorkOrderUpdate, { args: [{ ...act(met, metContractor), signature: { signedBy: 'Ms Zhang', signedAt: Date.now(), imageId: null } }] });
      await a.resolve();
      await statusIs(met, c.id, 'CALLBACK_PENDING');
      await h.executeUpdate(returnVisitUpdate, { args: [{ ...act(met, met.dispatcher), method: 'VISIT', satisfied: false, comment: 'still dripping' }] });
      await untilOrder(h, 'the reopen', (s) => s.attempt === 2 && s.status === 'ISSUED');
      await untilTimeline(met, c.id, 'the complaint\'s reopen', (events) => events.some((e) => e.type === 'CALLBACK' && e.data.satisfied === false));
      await statusIs(met, c.id, 'DISPATCHED');
      keep('work-order-return-visit-unsatisfied', h.workflowId);
      keep('work-order-return-visit-complaint', c.workflowId as string);
    });

    await scenario('work-order-one-chance', async () => {
      // 003 一.5 on 2-second clocks: the repair order late; plumber 1 misses the contact → plumber 2 automatically
      // (attempt 2) → misses too, nobody left → the dispatcher reassigns (attempt 3) → the visit missed on the last
      // attempt → the dispatcher again → cancelled.
      const second = await plumbers(breach, breachContractor);
      const c = await submit(breach, 'work-order-one-chance', { kind: 'REPAIR' });
      await new Promise((r) => setTimeout(r, 1_500));
      const short = (p: WorkOrderPolicy): WorkOrderPolicy => ({
        ...p, repairOrderWithin: { after: 'PT1S', businessTime: false }, visitGrace: 'PT2S', autoReassign: true, maxAttempts: 3,
      });
      const h = await issueWorkOrder(breach, c.id, breachContractor, (i) => (i.context.policy = short(i.context.policy)));
      await untilOrder(h, 'the automatic reassignment', (s) => s.attempt === 2 && s.contractorId === second);
      await untilOrder(h, 'the dispatcher task', (s) => s.awaitingDispatcher === true);
      await h.executeUpdate(reassignWorkOrderUpdate, { args: [{ ...act(breach, breach.dispatcher), contractorId: breachContractor, reason: 'second chance after a call' }] });
      await h.executeUpdate(contractorContactUpdate, { args: [{ ...act(breach, breachContractor), bookedFor: Date.now() }] });
      await untilOrder(h, 'the missed visit', (s) => s.attempts[2]?.missed === 'VISIT' && s.awaitingDispatcher === true);
      await h.executeUpdate(cancelWorkOrderUpdate, { args: [{ ...act(breach, breach.dispatcher), reason: 'the owner hired a plumber himself' }] });
      await h.result();
      keep('work-order-one-chance', h.workflowId);
    });

    await scenario('work-order-late', async () => {
      // The completion and the return visit late (recorded only), then a satisfied return visit.
      const c = await submit(breach, 'work-order-late', { kind: 'REPAIR' });
      const late = (p: WorkOrderPolicy): WorkOrderPolicy => ({
        ...p, visitGrace: 'PT1H', completeWithin: { after: 'PT2S', businessTime: false }, returnVisitAfter: 'PT2S',
      });
      const h = await issueWorkOrder(breach, c.id, breachContractor, (i) => {
        i.context.policy = late(i.context.policy);
        i.context.contactRule = FAR;
      });
      await h.executeUpdate(contractorContactUpdate, { args: [{ ...act(breach, breachContractor), bookedFor: Date.now() }] });
      await h.executeUpdate(onSiteUpdate, { args: [act(breach, breachContractor)] });
      await untilOrder(h, 'the COMPLETION breach', breachedOrder('COMPLETION', 1));
      await h.executeUpdate(completeWorkOrderUpdate, { args: [{ ...act(breach, breachContractor), materials: [], chargeYuan: 150, signature: null }] });
      await untilOrder(h, 'the RETURN_VISIT breach', breachedOrder('RETURN_VISIT', 1));
      await h.executeUpdate(returnVisitUpdate, { args: [{ ...act(breach, breach.dispatcher), method: 'LETTER', satisfied: true, comment: null }] });
      await h.result();
      keep('work-order-late', h.workflowId);
    });

    // --- weekly review --------------------------------------------------------------------------------------
    await scenario('weekly-review', async () => {
      const workflowId = `weekly-review/${met.tenantId}/histories`;
      await client.workflow.execute('weeklyReviewWorkflow', {
        workflowId, taskQueue: stack.taskQueue, args: [{ tenantId: met.tenantId, timezone: 'Asia/Shanghai' }], typedSearchAttributes: tenantSearchAttributes(met.tenantId),
      });
      keep('weekly-review', workflowId);
    });

    // --- daily report (issue 12): started directly with the client, as the branch's schedule starts it ------------
    await scenario('daily-report', async () => {
      // Two seconds to read it (the breach group keeps its two-second deadlines: setPolicy replaces the overrides).
      await stack.ok(SET_POLICY, { o: { deadlines: deadlines(SHORT), reports: { readWithin: 'PT2S' } } }, breach.tokens.headOffice);
      const args = { tenantId: breach.tenantId, branchId: breach.branchId, timezone: 'Asia/Shanghai' };
      const start = (workflowId: string, date?: string) => client.workflow.start('dailyReportWorkflow', {
        workflowId, taskQueue: stack.taskQueue, args: [{ ...args, ...(date ? { date } : {}) }], typedSearchAttributes: tenantSearchAttributes(breach.tenantId),
      });
      // A past date (not yesterday): the scheduled run below builds yesterday's report afresh.
      const date = '2026-11-20';
      const first = await start(dailyReportWorkflowId(breach.tenantId, breach.branchId, date), date);
      // The handler reads it in time; the dispatcher and the branch manager are reminded.
      await eventually(async () => {
        const r = await stack.gql(`mutation($d: String!, $b: ID!) { markDailyReportRead(date: $d, branchId: $b) { readAt } }`, { d: date, b: breach.branchId }, breach.tokens.handler);
        return r.errors ? undefined : true;
      }, 30_000, 100);
      await first.result();
      keep('daily-report', first.workflowId);
      // The same date again (a re-run): finds it built and already reminded.
      const again = await start(`${dailyReportWorkflowId(breach.tenantId, breach.branchId)}-again`, date);
      await again.result();
      keep('daily-report-same-date', again.workflowId);
      // As the schedule starts it: no date (yesterday in the branch's zone), the run's time appended to the id.
      const scheduled = await start(`${dailyReportWorkflowId(breach.tenantId, breach.branchId)}-${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`);
      await scheduled.result();
      keep('daily-report-scheduled', scheduled.workflowId);
    });

    // --- category model (Chinese text): head office retrains over GraphQL; the nightly schedule's run started as it starts it --
    await scenario('category-model', async () => {
      const retrain = `mutation($r: String) { retrainCategoryModel(requestId: $r) { version trainedOn heldOut } }`;
      const first = (await stack.ok(retrain, { r: 'histories-retrain' }, met.tokens.headOffice)).retrainCategoryModel;
      // The same requestId again: the same training answers, nothing runs twice.
      const again = (await stack.ok(retrain, { r: 'histories-retrain' }, met.tokens.headOffice)).retrainCategoryModel;
      if (again.version !== first.version) throw new Error(`retrainCategoryModel ran twice for one requestId (${first.version}, ${again.version})`);
      keep('category-model', retrainWorkflowId(met.tenantId, 'histories-retrain'));
      const scheduled = `${categoryModelWorkflowId(met.tenantId)}-${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`;
      await client.workflow.execute('categoryModelWorkflow', {
        workflowId: scheduled, taskQueue: stack.taskQueue, args: [{ tenantId: met.tenantId }], typedSearchAttributes: tenantSearchAttributes(met.tenantId),
      });
      keep('category-model-scheduled', scheduled);
    });

    // Messages to the customer: the acknowledgement's outcome (no channel is set up here: FAILED, on the
    // timeline), a progress message asked for on a follow-up, the result, and the customer's confirmation on
    // the status page (signalled as the page does).
    await scenario('customer-messages', async () => {
      const c = await submit(met, 'customer-messages');
      await untilTimeline(met, c.id, 'the acknowledgement outcome', hasEvent('CUSTOMER_MESSAGE_FAILED'));
      const a = staff(met, c);
      await a.dispatch();
      await a.acknowledge();
      await a.followUp(false, ', messageCustomer: true');
      await a.validity();
      await a.resolve();
      await statusIs(met, c.id, 'CALLBACK_PENDING');
      const handle = client.workflow.getHandle(c.workflowId);
      const response = { tenantId: met.tenantId, response: 'CONFIRMED' as const, comment: '已修好，谢谢', at: Date.now(), requestId: 'status-page:recorded' };
      await handle.signal(customerRespondedSignal, response);
      await handle.signal(customerRespondedSignal, response);
      await untilTimeline(met, c.id, 'the customer\'s confirmation', hasEvent('CUSTOMER_CONFIRMED'));
      await a.callback(true);
      await statusIs(met, c.id, 'CLOSED');
      keep('customer-messages', c.workflowId);
    });

    // --- export ---------------------------------------------------------------------------------------------
    let files = 0;
    for (const r of recorded) {
      for (const run of await runsOf(client, r.workflowId)) {
        const name = run.index === 0 && run.total === 1 ? `${r.scenario}.json` : `${r.scenario}.run${run.index + 1}.json`;
        writeHistory(path.join(outDir, name), { scenario: r.scenario, workflowId: r.workflowId, runId: run.runId, history: run.history });
        files += 1;
      }
    }
    say(`wrote ${files} histories of ${recorded.length} scenarios to ${path.relative(ROOT, outDir) || outDir}`);
  } finally {
    await stopAll();
  }
  say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** Every run of a workflow, oldest first (follows continue-as-new back from the latest run). */
async function runsOf(client: Client, workflowId: string): Promise<{ runId: string; history: History; index: number; total: number }[]> {
  const runs: { runId: string; history: History }[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift({ runId, history });
    const previous: string | null | undefined = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    runId = previous || undefined;
  }
  return runs.map((r, index) => ({ ...r, index, total: runs.length }));
}

/** Temporal's JSON history format (as `temporal workflow show -o json`), with where it came from first. */
function writeHistory(file: string, r: { scenario: string; workflowId: string; runId: string; history: History }): void {
  const { events } = historyToJsonValue(r.history);
  const workflowType = r.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? null;
  const body = JSON.stringify({ scenario: r.scenario, workflowId: r.workflowId, runId: r.runId, workflowType, events }, null, 2);
  // O_EXCL: an existing history is never replaced.
  fs.writeFileSync(file, `${body}\n`, { flag: 'wx' });
  say(`  ${path.basename(file)}: ${workflowType} ${r.workflowId}, ${events.length} events`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`histories:record failed: ${err instanceof RefusedError ? err.message : err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
