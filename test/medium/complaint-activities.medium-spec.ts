/**
 * ComplaintActivitiesService against the real PostgreSQL: idempotent registration, gapless
 * references under concurrency, the last_seq guard, one event per seq, how failures are classified
 * (for good vs retry), and the PROJECTION_FAILED trace.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ComplaintActivitiesService } from '../../apps/worker/src/activities/complaint.activities';
import { createDataSource } from '../../libs/persistence/src/data-source';
import { DATA_REJECTED } from '../../workflows/shared/complaint.types';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/test-env';
import type { ComplaintProjection } from '../../workflows/shared/complaint.types';
import {
  MediumDatabase, SeededOrganisation, complaintRow, event, initialState, insertBranch, insertOrganisation, openDatabase, registerArgs, thrown, timelineOf,
} from './medium-support';

let m: MediumDatabase;
let org: SeededOrganisation;
let service: ComplaintActivitiesService;

beforeAll(async () => {
  m = await openDatabase('medium_complaint_activities');
  org = await insertOrganisation(m.db, { users: ['first-contact', 'handler'] });
  service = new ComplaintActivitiesService(m.app);
});
afterAll(async () => {
  await m?.close();
});

const countersFor = async (branchId: string): Promise<number> =>
  (await m.db.query(`SELECT coalesce(max(last), 0)::int AS n FROM reference_counters WHERE branch_id = $1`, [branchId]))[0].n;

async function registered(opts: Parameters<typeof registerArgs>[1] = {}): Promise<{ complaintId: string; reference: string }> {
  const args = registerArgs(org, opts);
  const { reference } = await service.registerComplaint(args);
  return { complaintId: args.complaintId, reference };
}

/** The projection the workflow would send for an action with events `seqs` (the last one is the state's seq). */
function projection(complaintId: string, seqs: number[], state: Partial<ComplaintProjection['state']> = {}, type = 'FOLLOW_UP'): ComplaintProjection {
  return {
    tenantId: org.tenantId, complaintId,
    state: initialState({ seq: seqs[seqs.length - 1], ...state }),
    events: seqs.map((s) => event(s, type, { note: `note ${s}` }, org.users.handler)),
  };
}

describe('registerComplaint', () => {
  it('is idempotent: a retry after a lost acknowledgement returns the same reference and writes nothing more', async () => {
    const args = registerArgs(org);
    const first = await service.registerComplaint(args);
    const counter = await countersFor(org.branchId);
    const again = await service.registerComplaint(args);
    expect(again).toEqual(first);
    expect(first.reference).toMatch(/^GZ01-\d{4}-\d{6}$/);
    expect(await m.db.query(`SELECT count(*)::int AS n FROM complaints WHERE id = $1`, [args.complaintId])).toEqual([{ n: 1 }]);
    expect(await timelineOf(m.db, args.complaintId)).toEqual([{ seq: 1, type: 'RECEIVED', data: { channel: 'PHONE' } }]);
    expect(await countersFor(org.branchId)).toBe(counter);
    expect(await complaintRow(m.db, args.complaintId)).toMatchObject({ reference: first.reference, status: 'RECEIVED', last_seq: 1 });
  });

  it('registers once when attempts of the same complaint run at the same time (a retry overlapping a slow first attempt)', async () => {
    const args = registerArgs(org);
    const answers = await Promise.all([1, 2, 3].map(() => service.registerComplaint(args)));
    expect(new Set(answers.map((a) => a.reference)).size).toBe(1);
    expect(await m.db.query(`SELECT count(*)::int AS n FROM complaints WHERE id = $1`, [args.complaintId])).toEqual([{ n: 1 }]);
    expect(await timelineOf(m.db, args.complaintId)).toHaveLength(1);
  });

  it('hands out gapless, unique references per branch and year under concurrent intakes, and a refused one gives its number back', async () => {
    const branchId = await insertBranch(m.db, org, 'CC01');
    const ok = Array.from({ length: 24 }, () => registerArgs(org, { branchId, branchCode: 'CC01' }));
    // Every fourth intake carries a NUL byte in a text column: PostgreSQL refuses it, the transaction rolls back.
    const poisoned = Array.from({ length: 6 }, () => registerArgs(org, { branchId, branchCode: 'CC01', description: 'broken\u0000' }));
    const all = [...ok, ...poisoned].sort(() => Math.random() - 0.5);
    const results = await Promise.allSettled(all.map((a) => service.registerComplaint(a)));

    const refs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.reference] : []));
    expect(refs).toHaveLength(ok.length);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(poisoned.length);
    const numbers = refs.map((r) => Number(r.split('-')[2])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: ok.length }, (_, i) => i + 1));
    for (const r of refs) expect(r).toMatch(/^CC01-\d{4}-\d{6}$/);
    expect(await countersFor(branchId)).toBe(ok.length);
    expect(await m.db.query(`SELECT count(*)::int AS n FROM complaints WHERE branch_id = $1`, [branchId])).toEqual([{ n: ok.length }]);
  });

  it('numbers each branch on its own counter', async () => {
    const a = await insertBranch(m.db, org, 'NA01');
    const b = await insertBranch(m.db, org, 'NB01');
    const ra = await Promise.all([1, 2, 3].map(() => registered({ branchId: a, branchCode: 'NA01' })));
    const rb = await registered({ branchId: b, branchCode: 'NB01' });
    expect(ra.map((r) => r.reference.slice(-6)).sort()).toEqual(['000001', '000002', '000003']);
    expect(rb.reference).toMatch(/^NB01-\d{4}-000001$/);
  });

  it('refuses a branch of another tenant (NOT_FOUND, nothing written)', async () => {
    const other = await insertOrganisation(m.db, { branchCode: 'OT01', users: ['someone'] });
    const args = registerArgs(org, { branchId: other.branchId, branchCode: 'OT01' });
    const err = await thrown(() => service.registerComplaint(args));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('NOT_FOUND');
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect(await complaintRow(m.db, args.complaintId)).toBeUndefined();
  });
});

describe('persistComplaint', () => {
  it('ignores an older seq for the row (an out-of-order retry) but still records its events once', async () => {
    const { complaintId } = await registered();
    await service.persistComplaint(projection(complaintId, [2, 3], { status: 'DISPATCHED', assigneeId: org.users.handler }, 'DISPATCHED'));
    // A retry of an older write arrives late: the row keeps the newer projection.
    await service.persistComplaint(projection(complaintId, [2], { status: 'RECEIVED' }, 'DISPATCHED'));
    expect(await complaintRow(m.db, complaintId)).toMatchObject({ status: 'DISPATCHED', last_seq: 3 });
    const [r] = await m.db.query(`SELECT assignee_id FROM complaints WHERE id = $1`, [complaintId]);
    expect(r.assignee_id).toBe(org.users.handler);
    expect((await timelineOf(m.db, complaintId)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('writes each seq once: a repeated write and a different event under a used seq change nothing', async () => {
    const { complaintId } = await registered();
    const p = projection(complaintId, [2]);
    await service.persistComplaint(p);
    await service.persistComplaint(p);
    await Promise.all([service.persistComplaint(p), service.persistComplaint(p)]);
    await service.persistComplaint({ ...p, events: [event(2, 'WITHDRAWN', { reason: 'other' })] });
    const t = await timelineOf(m.db, complaintId);
    expect(t).toEqual([
      { seq: 1, type: 'RECEIVED', data: { channel: 'PHONE' } },
      { seq: 2, type: 'FOLLOW_UP', data: { note: 'note 2' } },
    ]);
  });

  it('stores deadlines and the overdue flag from the state', async () => {
    const { complaintId } = await registered();
    const now = Date.now();
    await service.persistComplaint(projection(complaintId, [2], {
      deadlines: [
        { kind: 'CUSTOMER_REPLY', round: 1, anchorAt: now - 10_000, dueAt: now - 5_000, metAt: null, breachedAt: now - 4_000 },
        { kind: 'RESOLUTION', round: 1, anchorAt: now, dueAt: now + 86_400_000, metAt: null, breachedAt: null },
      ],
    }, 'DEADLINE_BREACHED'));
    const [r] = await m.db.query(`SELECT overdue, deadlines FROM complaints WHERE id = $1`, [complaintId]);
    expect(r.overdue).toBe(true);
    expect(r.deadlines).toEqual([
      { kind: 'CUSTOMER_REPLY', round: 1, dueAt: new Date(now - 5_000).toISOString(), metAt: null, breachedAt: new Date(now - 4_000).toISOString() },
      { kind: 'RESOLUTION', round: 1, dueAt: new Date(now + 86_400_000).toISOString(), metAt: null, breachedAt: null },
    ]);
  });

  it('classifies a NUL byte as DATA_REJECTED (non-retryable, no values in the message) and writes nothing', async () => {
    const { complaintId, reference } = await registered();
    const p = projection(complaintId, [2]);
    p.state.reference = reference;
    p.events = [event(2, 'FOLLOW_UP', { note: 'secret-note-for-Ms-Zhang\u0000' })];
    const err = await thrown(() => service.persistComplaint(p));
    expect(err).toBeInstanceOf(ApplicationFailure);
    const f = err as ApplicationFailure;
    expect(f.type).toBe(DATA_REJECTED);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(/SQLSTATE 22/);
    expect(f.message).toContain(complaintId);
    expect(f.message).toContain(reference);
    expect(f.message).not.toContain('secret-note');
    expect(JSON.stringify(f.details)).not.toContain('secret-note');
    expect(await complaintRow(m.db, complaintId)).toMatchObject({ last_seq: 1 });
    expect((await timelineOf(m.db, complaintId)).map((e) => e.seq)).toEqual([1]);
  });

  it('classifies a lost database connection as retryable (the workflow keeps trying until it is back)', async () => {
    const { complaintId } = await registered();
    const u = new URL(m.url);
    const proxy = await TcpProxy.start(u.hostname, Number(u.port || 5432));
    u.hostname = '127.0.0.1';
    u.port = String(proxy.port);
    const viaProxy = await createDataSource(u.toString(), { extra: { max: 2, connectionTimeoutMillis: 1000 } }).initialize();
    try {
      const flaky = new ComplaintActivitiesService(viaProxy);
      await flaky.persistComplaint(projection(complaintId, [2]));
      proxy.cut();
      const err = await thrown(() => flaky.persistComplaint(projection(complaintId, [3])));
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).nonRetryable).toBe(false);
      expect((err as ApplicationFailure).type).not.toBe(DATA_REJECTED);
      // Back: the same write (the activity's retry) goes through once.
      proxy.restore();
      await eventually(async () => {
        try {
          await flaky.persistComplaint(projection(complaintId, [3]));
          return true;
        } catch {
          return undefined;
        }
      });
      expect((await timelineOf(m.db, complaintId)).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(await complaintRow(m.db, complaintId)).toMatchObject({ last_seq: 3 });
    } finally {
      await viaProxy.destroy().catch(() => undefined);
      await proxy.close();
    }
  });
});

describe('recordProjectionFailure', () => {
  it('records the PROJECTION_FAILED event once on a registered complaint', async () => {
    const { complaintId, reference } = await registered();
    const record = {
      tenantId: org.tenantId, complaintId, reference, step: 'FOLLOW_UP', failureType: DATA_REJECTED, failureMessage: 'SQLSTATE 22021',
      event: event(2, 'PROJECTION_FAILED', { step: 'FOLLOW_UP', failureType: DATA_REJECTED }),
    };
    await service.recordProjectionFailure(record);
    await service.recordProjectionFailure(record);
    expect(await timelineOf(m.db, complaintId)).toEqual([
      { seq: 1, type: 'RECEIVED', data: { channel: 'PHONE' } },
      { seq: 2, type: 'PROJECTION_FAILED', data: { step: 'FOLLOW_UP', failureType: DATA_REJECTED } },
    ]);
  });

  it('writes nothing (and does not fail) for a complaint that has no row, or one of another tenant', async () => {
    const unregistered = registerArgs(org);
    await service.recordProjectionFailure({
      tenantId: org.tenantId, complaintId: unregistered.complaintId, reference: null, step: 'REGISTRATION', failureType: DATA_REJECTED,
      failureMessage: 'x', event: event(2, 'PROJECTION_FAILED'),
    });
    expect(await timelineOf(m.db, unregistered.complaintId)).toEqual([]);

    const { complaintId } = await registered();
    const other = await insertOrganisation(m.db, { branchCode: 'OT02', users: ['x'] });
    await service.recordProjectionFailure({
      tenantId: other.tenantId, complaintId, reference: null, step: 'FOLLOW_UP', failureType: DATA_REJECTED, failureMessage: 'x',
      event: event(2, 'PROJECTION_FAILED'),
    });
    expect((await timelineOf(m.db, complaintId)).map((e) => e.seq)).toEqual([1]);
  });
});

describe('analyseComplaint', () => {
  it('counts rounds, reopenings, met and breached deadlines from the stored timeline', async () => {
    const { complaintId } = await registered();
    const t0 = Date.now();
    await service.persistComplaint({
      tenantId: org.tenantId, complaintId, state: initialState({ seq: 6 }),
      events: [
        event(2, 'DISPATCHED', {}, 'x', t0 + 1_000), event(3, 'DEADLINE_MET', {}, 'x', t0 + 1_000), event(4, 'RESOLVED', {}, 'x', t0 + 5_000),
        event(5, 'REOPENED', {}, 'x', t0 + 6_000), event(6, 'DEADLINE_BREACHED', {}, 'system', t0 + 7_000),
      ],
    });
    const a = await service.analyseComplaint({ tenantId: org.tenantId, complaintId });
    expect(a).toMatchObject({ rounds: 2, reopenCount: 1, deadlinesMet: 1, deadlinesBreached: 1, msToCallback: null });
    expect(a.msToDispatch).not.toBeNull();
    // Another tenant sees nothing of it.
    const other = await insertOrganisation(m.db, { branchCode: 'OT03', users: ['y'] });
    expect(await service.analyseComplaint({ tenantId: other.tenantId, complaintId })).toMatchObject({ rounds: 1, deadlinesMet: 0, msToDispatch: null });
  });
});
