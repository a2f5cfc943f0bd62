/**
 * The calendar propagation's paging (keyset over a branch's open complaints) and the weekly review
 * activity, against the real PostgreSQL.
 */
import { CalendarActivitiesService } from '../../apps/worker/src/activities/calendar.activities';
import { ComplaintActivitiesService } from '../../apps/worker/src/activities/complaint.activities';
import { ReviewActivitiesService } from '../../apps/worker/src/activities/review.activities';
import type { ComplaintCursor } from '../../workflows/shared/calendar-propagation';
import type { ComplaintStatus } from '../../libs/domain/src/enums';
import { MediumDatabase, SeededOrganisation, event, initialState, insertBranch, insertOrganisation, openDatabase, registerArgs } from './medium-support';

let m: MediumDatabase;
let org: SeededOrganisation;
let complaints: ComplaintActivitiesService;

beforeAll(async () => {
  m = await openDatabase('medium_calendar_review');
  org = await insertOrganisation(m.db, { users: ['first-contact'] });
  complaints = new ComplaintActivitiesService(m.app);
});
afterAll(async () => {
  await m?.close();
});

/** Registers a complaint through the real activity and moves it to `status` through persistComplaint. */
async function complaint(o: SeededOrganisation, branchId: string, code: string, receivedAt: number, status: ComplaintStatus = 'RECEIVED', overdue = false): Promise<string> {
  const args = registerArgs(o, { branchId, branchCode: code, receivedAt });
  await complaints.registerComplaint(args);
  if (status !== 'RECEIVED' || overdue) {
    const deadlines = overdue ? [{ kind: 'CUSTOMER_REPLY' as const, round: 1, anchorAt: receivedAt, dueAt: receivedAt + 1, metAt: null, breachedAt: receivedAt + 2 }] : [];
    await complaints.persistComplaint({
      tenantId: o.tenantId, complaintId: args.complaintId, state: initialState({ seq: 2, status, deadlines }), events: [event(2, status === 'RECEIVED' ? 'DEADLINE_BREACHED' : status)],
    });
  }
  return args.complaintId;
}

describe('openComplaintsPage (keyset paging of a branch’s open complaints)', () => {
  it('visits every open complaint of the branch exactly once, in (receivedAt, id) order, and nothing else', async () => {
    const branchId = await insertBranch(m.db, org, 'PG01');
    const other = await insertBranch(m.db, org, 'PG02');
    const base = Date.parse('2026-03-02T01:00:00Z');
    const open: { id: string; at: number }[] = [];
    // Several complaints share a receivedAt: the id breaks the tie, so no page boundary loses or repeats one.
    for (let i = 0; i < 11; i++) {
      const at = base + Math.floor(i / 3) * 60_000;
      open.push({ id: await complaint(org, branchId, 'PG01', at), at });
    }
    for (const status of ['CLOSED', 'WITHDRAWN'] as const) await complaint(org, branchId, 'PG01', base + 30_000, status);
    await complaint(org, other, 'PG02', base);
    const stranger = await insertOrganisation(m.db, { branchCode: 'PG01', users: ['x'] });
    await complaint(stranger, stranger.branchId, 'PG01', base);

    const calendar = new CalendarActivitiesService(m.app);
    const seen: string[] = [];
    let after: ComplaintCursor | null = null;
    let pages = 0;
    let total: number | undefined;
    do {
      const page = await calendar.openComplaintsPage({ tenantId: org.tenantId, branchId, after, limit: 3, withTotal: pages === 0 });
      if (pages === 0) total = page.total;
      else expect(page.total).toBeUndefined();
      expect(page.complaintIds.length).toBeLessThanOrEqual(3);
      seen.push(...page.complaintIds);
      after = page.next;
      pages += 1;
      expect(pages).toBeLessThan(10);
    } while (after);

    const expected = [...open].sort((x, y) => x.at - y.at || (x.id < y.id ? -1 : 1)).map((c) => c.id);
    expect(seen).toEqual(expected);
    expect(total).toBe(11);
    expect(pages).toBe(4);
  });

  it('ends with next = null on an exactly full last page, and returns nothing for another tenant’s branch', async () => {
    const branchId = await insertBranch(m.db, org, 'PG03');
    for (let i = 0; i < 4; i++) await complaint(org, branchId, 'PG03', Date.parse('2026-03-02T01:00:00Z') + i);
    const calendar = new CalendarActivitiesService(m.app);
    const first = await calendar.openComplaintsPage({ tenantId: org.tenantId, branchId, after: null, limit: 2, withTotal: false });
    const second = await calendar.openComplaintsPage({ tenantId: org.tenantId, branchId, after: first.next, limit: 2, withTotal: false });
    expect(first.next).not.toBeNull();
    expect(second.complaintIds).toHaveLength(2);
    expect(second.next).toBeNull();
    const stranger = await insertOrganisation(m.db, { branchCode: 'ZZ01', users: ['y'] });
    expect(await calendar.openComplaintsPage({ tenantId: stranger.tenantId, branchId, after: null, limit: 10, withTotal: true }))
      .toEqual({ complaintIds: [], next: null, total: 0 });
  });
});

describe('recordWeeklyReview', () => {
  it('records the complaints still open that were received before the week began, by branch, once per week', async () => {
    const o = await insertOrganisation(m.db, { branchCode: 'WR01', users: ['first'] });
    const second = await insertBranch(m.db, o, 'WR02');
    // Monday 2026-03-09 09:00 in Shanghai; the week began at 2026-03-09 00:00 local (2026-03-08T16:00Z).
    const at = Date.parse('2026-03-09T01:00:00Z');
    const weekBegan = Date.parse('2026-03-08T16:00:00Z');
    const oldOpen = await complaint(o, o.branchId, 'WR01', weekBegan - 3 * 86_400_000);
    const oldOverdue = await complaint(o, second, 'WR02', weekBegan - 86_400_000, 'RECEIVED', true);
    const lastMinute = await complaint(o, o.branchId, 'WR01', weekBegan - 1);
    await complaint(o, o.branchId, 'WR01', weekBegan); // received as the week began: not before it
    await complaint(o, o.branchId, 'WR01', weekBegan - 86_400_000, 'CLOSED');
    await complaint(o, o.branchId, 'WR01', weekBegan - 86_400_000, 'WITHDRAWN');
    await complaint(org, org.branchId, 'GZ01', weekBegan - 86_400_000); // another tenant

    const reviews = new ReviewActivitiesService(m.app);
    const result = await reviews.recordWeeklyReview({ tenantId: o.tenantId, timezone: 'Asia/Shanghai', at });
    expect(result).toEqual({ weekStart: '2026-03-02', openCount: 3, overdueCount: 1 });
    const rows = await m.db.query(`SELECT week_start::text AS week, open_count, overdue_count, by_branch, complaint_ids FROM weekly_reviews WHERE tenant_id = $1`, [o.tenantId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ week: '2026-03-02', open_count: 3, overdue_count: 1, by_branch: { WR01: { open: 2, overdue: 0 }, WR02: { open: 1, overdue: 1 } } });
    expect([...rows[0].complaint_ids].sort()).toEqual([oldOpen, oldOverdue, lastMinute].sort());

    // A retried run (later the same week, one more closed in between) replaces the week's row.
    await complaints.persistComplaint({ tenantId: o.tenantId, complaintId: oldOpen, state: initialState({ seq: 2, status: 'CLOSED' }), events: [event(2, 'CLOSED')] });
    const again = await reviews.recordWeeklyReview({ tenantId: o.tenantId, timezone: 'Asia/Shanghai', at: at + 3_600_000 });
    expect(again).toEqual({ weekStart: '2026-03-02', openCount: 2, overdueCount: 1 });
    expect(await m.db.query(`SELECT count(*)::int AS n FROM weekly_reviews WHERE tenant_id = $1`, [o.tenantId])).toEqual([{ n: 1 }]);
  });
});
