/**
 * Severity that follows the facts (issue 10), on a REAL Temporal dev server with the REAL activities
 * writing to PostgreSQL, with short policy durations: a facility outage not restored in its window
 * upgrades the complaint (and one restored in time does not); a responsible complaint left unresolved
 * climbs HOT then MAJOR on the same one timer; a matter's rule signal upgrades once and another
 * tenant's is ignored; staff facts and reclassification are recorded with who and why.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { presetPolicy } from '../libs/domain/src/policy/policy.util';
import type { SeverityThresholds } from '../libs/domain/src/policy/policy.types';
import type { ComplaintWorkflowInput, TimelineEventRecord } from './shared/complaint.types';
import {
  dispatchUpdate, facilityRestoredUpdate, reclassifyUpdate, severityRuleSignal, updateFactsUpdate, validityUpdate,
} from './shared/updates';
import { ORG, USERS, WorkerHarness, WorkflowTestBed, complaintInput, createEnv, eventually, sleep } from './test-support/harness';

let bed: WorkflowTestBed;
let h: WorkerHarness;

beforeAll(async () => {
  bed = await createEnv('severity');
  h = await WorkerHarness.start(bed);
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await bed?.teardown();
});

/** A complaint on the pm-branch deadlines (30 days), with the given severity thresholds and no escalation policy. */
function input(severity: Partial<SeverityThresholds>, intake: Partial<ComplaintWorkflowInput['intake']> = {}, base: 'pm-branch' | 'vanke-sh' | 'training' = 'pm-branch'): ComplaintWorkflowInput {
  const i = complaintInput({ intake });
  i.policy.severity = { ...presetPolicy(base).severity, ...severity };
  delete i.policy.escalation;
  return i;
}

/** Waits until the row shows the level (eventually() waits for a value, not for an assertion to pass). */
const severityBecomes = (complaintId: string, severity: string, timeoutMs: number): Promise<true> =>
  eventually(async () => ((await h.row(complaintId))?.severity === severity ? true : undefined), timeoutMs);

const changes = (t: TimelineEventRecord[]): Record<string, unknown>[] =>
  t.filter((e) => e.type === 'SEVERITY_CHANGED').map((e) => ({ actor: e.actor, ...e.data }));

describe('facility outage', () => {
  it('upgrades to MAJOR when not restored within its window (rule facilityOutage)', async () => {
    const since = Date.now();
    const i = input({ facilityOutageMajorAfter: 'PT3S' }, { facilityOutage: { kind: 'ELEVATOR', since } });
    await h.intake(i);
    expect((await h.row(i.complaintId))?.severity).toBe('GENERAL');
    await severityBecomes(i.complaintId, 'MAJOR', 15_000);
    const t = await h.timeline(i.complaintId);
    expect(changes(t)).toEqual([expect.objectContaining({ actor: 'system', from: 'GENERAL', to: 'MAJOR', rule: 'facilityOutage', window: 'PT3S' })]);
    const changed = t.find((e) => e.type === 'SEVERITY_CHANGED') as TimelineEventRecord;
    expect(changed.at).toBeGreaterThanOrEqual(since + 3_000);
    // A complaint that became MAJOR owes its special report: REPORT runs from the upgrade.
    expect((await h.row(i.complaintId))?.deadlines.map((d) => d.kind)).toContain('REPORT');
  }, 60_000);

  it('does not upgrade when restored in time; restoring twice is refused', async () => {
    const i = input({ facilityOutageMajorAfter: 'PT4S' }, { facilityOutage: { kind: 'POWER', since: Date.now() } });
    const { handle } = await h.intake(i);
    await handle.executeUpdate(facilityRestoredUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, restoredAt: Date.now() }] });
    await sleep(6_000);
    const t = await h.timeline(i.complaintId);
    expect(t.filter((e) => e.type === 'FACILITY_RESTORED').map((e) => [e.actor, e.data.kind])).toEqual([[USERS.dispatcher, 'POWER']]);
    expect(changes(t)).toEqual([]);
    expect((await h.row(i.complaintId))?.severity).toBe('GENERAL');
    await expect(handle.executeUpdate(facilityRestoredUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, restoredAt: Date.now() }] }))
      .rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  }, 60_000);
});

describe('unresolved through our fault (vanke-sh rules, short override)', () => {
  it('climbs HOT then MAJOR once responsibility is RESPONSIBLE, each rule once', async () => {
    const i = input({ unresolvedHotAfter: 'PT3S', unresolvedMajorAfter: 'PT6S' }, {}, 'vanke-sh');
    const { handle } = await h.intake(i);
    await handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, assigneeId: USERS.handler, note: null }] });
    await handle.executeUpdate(validityUpdate, {
      args: [{ tenantId: ORG.tenantId, actorId: USERS.handler, validity: 'VALID', responsibility: 'RESPONSIBLE', reason: 'our pump failed' }],
    });
    await severityBecomes(i.complaintId, 'HOT', 15_000);
    await severityBecomes(i.complaintId, 'MAJOR', 15_000);
    await sleep(1_000);
    expect(changes(await h.timeline(i.complaintId)).map((c) => [c.from, c.to, c.rule])).toEqual([
      ['GENERAL', 'HOT', 'unresolvedHotAfter'],
      ['HOT', 'MAJOR', 'unresolvedMajorAfter'],
    ]);
    expect(await h.conflicts(i.complaintId)).toEqual([]);
  }, 60_000);

  it('does not climb for a complaint not our fault', async () => {
    const i = input({ unresolvedHotAfter: 'PT2S', unresolvedMajorAfter: 'PT3S' }, {}, 'vanke-sh');
    const { handle } = await h.intake(i);
    await handle.executeUpdate(validityUpdate, {
      args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, validity: 'VALID', responsibility: 'ASSIST', reason: 'the developer\'s pipe' }],
    });
    await sleep(5_000);
    expect((await h.row(i.complaintId))?.severity).toBe('GENERAL');
  }, 60_000);
});

describe('a matter\'s rule, staff facts and reclassification', () => {
  it('upgrades once per rule and matter, ignores another tenant\'s signal, and records facts and reclassification with who and why', async () => {
    const i = input({});
    const { handle } = await h.intake(i);
    await handle.signal(severityRuleSignal, { tenantId: '0b6f3c1e-5a2d-4c7e-9f10-0000000000ff', severity: 'MAJOR', rule: 'collectiveHouseholdsMajor', matterId: 'm-1', firedAt: Date.now() });
    await handle.signal(severityRuleSignal, { tenantId: ORG.tenantId, severity: 'HOT', rule: 'sameMatterComplainantsHot', matterId: 'm-1', firedAt: Date.now() });
    await handle.signal(severityRuleSignal, { tenantId: ORG.tenantId, severity: 'HOT', rule: 'sameMatterComplainantsHot', matterId: 'm-1', firedAt: Date.now() });
    await severityBecomes(i.complaintId, 'HOT', 10_000);

    await handle.executeUpdate(updateFactsUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, facts: { householdsAffected: 7 }, reason: 'six more households' }] });
    expect((await h.row(i.complaintId))?.severity).toBe('MAJOR');
    await handle.executeUpdate(reclassifyUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.manager, category: null, severity: 'IMPORTANT', reason: 'one building, already contained' }] });
    expect((await h.row(i.complaintId))?.severity).toBe('IMPORTANT');

    const t = await h.timeline(i.complaintId);
    expect(changes(t)).toEqual([
      expect.objectContaining({ actor: 'system', from: 'GENERAL', to: 'HOT', rule: 'matter:sameMatterComplainantsHot', matterId: 'm-1' }),
      expect.objectContaining({ actor: 'system', from: 'HOT', to: 'MAJOR', rule: 'COLLECTIVE_HOUSEHOLDS>=5' }),
      expect.objectContaining({ actor: USERS.manager, from: 'MAJOR', to: 'IMPORTANT', rule: null, reason: 'one building, already contained', by: 'STAFF' }),
    ]);
    expect(t.find((e) => e.type === 'FACTS_UPDATED')).toMatchObject({ actor: USERS.dispatcher, data: { changed: { householdsAffected: { from: 1, to: 7 } }, reason: 'six more households' } });
  }, 60_000);
});
