import { getMetadataArgsStorage } from 'typeorm';
import type { ComplaintState, TimelineEventRecord } from '../../../domain/src/lifecycle/complaint.types';
import { ComplaintEventEntity } from '../entities/complaint-event.entity';
import { ComplaintEntity } from '../entities/complaint.entity';
import { complaintProjection, complaintRowAtIntake, timelineRows, type ComplaintIntakeRowArgs } from './complaint.projection';

const T0 = Date.UTC(2026, 10, 2, 1, 30);
const HOUR = 3_600_000;

function intakeArgs(over: Partial<ComplaintIntakeRowArgs['intake']> = {}): ComplaintIntakeRowArgs {
  return {
    tenantId: 't-1', complaintId: 'c-1', reference: 'BR-2026-000001', workflowId: 'wf-c-1', severity: 'MAJOR', policyVersion: 3,
    intake: {
      channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT', householdsAffected: 2, lossAmountYuan: 1250.5, injury: false,
      mediaExposure: true, litigation: false, emergency: false, receivedAt: T0, firstContactOwnerId: 'u-1', customerDeadline: null,
      idempotencyKey: 'idem-1', branchId: 'b-1', companyId: 'co-1', description: 'Water leak', demand: null, location: 'Block 3',
      complainant: { name: 'Li Wei', phone: '13800000000', unit: '3-201' },
      ...over,
    },
  };
}

function state(over: Partial<ComplaintState> = {}): ComplaintState {
  return {
    reference: 'BR-2026-000001', status: 'DISPATCHED', round: 1, category: 'PROPERTY_MANAGEMENT', severity: 'MAJOR', validity: 'VALID',
    responsibility: 'RESPONSIBLE', assigneeId: 'u-2', acknowledgedAt: T0, resolvedAt: null, closedAt: null, satisfied: null,
    lastCallbackMethod: null, deadlines: [], seq: 4, followUpsSinceDispatch: 0, assigneeIsContractor: false, specialReport: null,
    calendar: { timezone: 'Asia/Shanghai', workingHours: [], holidays: [], makeUpWorkdays: [] },
    ...over,
  };
}

const columnsOf = (target: object) => getMetadataArgsStorage().columns.filter((c) => c.target === target);

describe('complaint projection mapping', () => {
  it('names only properties that are columns of the entity', () => {
    const complaintProps = new Set(columnsOf(ComplaintEntity).map((c) => c.propertyName));
    const eventProps = new Set(columnsOf(ComplaintEventEntity).map((c) => c.propertyName));
    const calendarChanged: TimelineEventRecord[] = [{ seq: 5, at: T0, type: 'CALENDAR_CHANGED', actor: null, data: {} }];
    for (const key of Object.keys(complaintRowAtIntake(intakeArgs()))) expect(complaintProps).toContain(key);
    for (const key of Object.keys(complaintProjection(state(), calendarChanged, new Date(T0)))) expect(complaintProps).toContain(key);
    for (const key of Object.keys(timelineRows('t-1', 'c-1', calendarChanged)[0])) expect(eventProps).toContain(key);
  });

  it('gives the intake row every required column that has no database default', () => {
    const row = complaintRowAtIntake(intakeArgs());
    const required = columnsOf(ComplaintEntity).filter(
      (c) => c.mode === 'regular' && !c.options.nullable && c.options.default === undefined,
    );
    expect(required.length).toBeGreaterThan(20);
    for (const c of required) expect(row).toHaveProperty(c.propertyName);
  });

  it('maps intake facts to the row, starting the lifecycle at RECEIVED, round 1, seq 0', () => {
    const row = complaintRowAtIntake(intakeArgs({ customerDeadline: T0 + 48 * HOUR }));
    expect(row).toMatchObject({
      id: 'c-1', tenantId: 't-1', companyId: 'co-1', branchId: 'b-1', reference: 'BR-2026-000001', idempotencyKey: 'idem-1',
      workflowId: 'wf-c-1', severity: 'MAJOR', policyVersion: 3, validity: 'UNDETERMINED', responsibility: 'UNDETERMINED',
      status: 'RECEIVED', round: 1, lastSeq: 0, lossAmountYuan: '1250.5', mediaExposure: true, complainantName: 'Li Wei',
      complainantPhone: '13800000000', complainantUnit: '3-201', demand: null, location: 'Block 3',
    });
    expect(row.receivedAt).toEqual(new Date(T0));
    expect(row.customerDeadline).toEqual(new Date(T0 + 48 * HOUR));
    expect(complaintRowAtIntake(intakeArgs({ lossAmountYuan: null, customerDeadline: null }))).toMatchObject({
      lossAmountYuan: null, customerDeadline: null,
    });
  });

  it('projects the state: instants as Date, deadlines and special report as JSON objects with ISO instants, overdue derived', () => {
    const p = complaintProjection(state({
      status: 'CLOSED', resolvedAt: T0 + HOUR, closedAt: T0 + 2 * HOUR, satisfied: true, lastCallbackMethod: 'PHONE', seq: 9,
      deadlines: [
        { kind: 'ACKNOWLEDGE', round: 1, anchorAt: T0, dueAt: T0 + HOUR, metAt: T0 + 30 * 60_000, breachedAt: null },
        { kind: 'RESOLUTION', round: 1, anchorAt: T0, dueAt: T0 + 24 * HOUR, metAt: null, breachedAt: T0 + 24 * HOUR },
      ],
      specialReport: { whatHappened: 'w', rootCause: 'r', preventiveMeasures: 'p', submittedAt: T0 + 3 * HOUR, submittedBy: 'u-3' },
    }), [], new Date(T0));
    expect(p).toMatchObject({ status: 'CLOSED', satisfied: true, lastCallbackMethod: 'PHONE', lastSeq: 9, overdue: true, assigneeId: 'u-2' });
    expect(p.resolvedAt).toEqual(new Date(T0 + HOUR));
    expect(p.closedAt).toEqual(new Date(T0 + 2 * HOUR));
    expect(p.deadlines).toEqual([
      { kind: 'ACKNOWLEDGE', round: 1, dueAt: new Date(T0 + HOUR).toISOString(), metAt: new Date(T0 + 30 * 60_000).toISOString(), breachedAt: null },
      { kind: 'RESOLUTION', round: 1, dueAt: new Date(T0 + 24 * HOUR).toISOString(), metAt: null, breachedAt: new Date(T0 + 24 * HOUR).toISOString() },
    ]);
    expect(p.specialReport).toEqual({
      whatHappened: 'w', rootCause: 'r', preventiveMeasures: 'p', submittedAt: new Date(T0 + 3 * HOUR).toISOString(), submittedBy: 'u-3',
    });
  });

  it('is not overdue when every breached deadline was met, and stores no special report when there is none', () => {
    const p = complaintProjection(state({
      deadlines: [{ kind: 'RESOLUTION', round: 1, anchorAt: T0, dueAt: T0 + HOUR, metAt: T0 + 2 * HOUR, breachedAt: T0 + HOUR }],
    }), [], new Date(T0));
    expect(p.overdue).toBe(false);
    expect(p.specialReport).toBeNull();
    expect(p.resolvedAt).toBeNull();
  });

  it('projects a merge (where it went, its closed deadlines no longer overdue) and a hand-over (the owner); leaves both out otherwise', () => {
    const merged = complaintProjection(state({
      status: 'MERGED', mergedIntoId: 'c-9', ownerId: 'u-7',
      deadlines: [{ kind: 'RESOLUTION', round: 1, anchorAt: T0, dueAt: T0 + HOUR, metAt: null, breachedAt: T0 + HOUR, cancelledAt: T0 + 2 * HOUR }],
    }), [], new Date(T0));
    expect(merged).toMatchObject({ status: 'MERGED', mergedIntoId: 'c-9', ownerId: 'u-7', overdue: false });
    expect(merged.deadlines?.[0].cancelledAt).toBe(new Date(T0 + 2 * HOUR).toISOString());
    const plain = complaintProjection(state(), [], new Date(T0));
    expect(plain).not.toHaveProperty('ownerId');
    expect(plain).not.toHaveProperty('mergedIntoId');
    expect(complaintRowAtIntake(intakeArgs()).ownerId).toBe(complaintRowAtIntake(intakeArgs()).firstContactOwnerId);
  });

  it('sets calendarChangedAt only when the events include CALENDAR_CHANGED, so the stored value is otherwise kept', () => {
    const now = new Date(T0 + 5 * HOUR);
    const other: TimelineEventRecord = { seq: 5, at: T0, type: 'FOLLOWED_UP', actor: 'u-1', data: {} };
    expect(complaintProjection(state(), [other], now)).not.toHaveProperty('calendarChangedAt');
    expect(complaintProjection(state(), [other, { ...other, seq: 6, type: 'CALENDAR_CHANGED' }], now).calendarChangedAt).toBe(now);
  });

  it('maps timeline events to rows keyed by (complaint, seq), data kept as an object', () => {
    const events: TimelineEventRecord[] = [
      { seq: 1, at: T0, type: 'RECEIVED', actor: 'u-1', data: { channel: 'PHONE' } },
      { seq: 2, at: T0 + HOUR, type: 'DEADLINE_BREACHED', actor: null, data: { kind: 'ACKNOWLEDGE', round: 1 } },
    ];
    expect(timelineRows('t-1', 'c-1', events)).toEqual([
      { complaintId: 'c-1', seq: 1, tenantId: 't-1', at: new Date(T0), type: 'RECEIVED', actor: 'u-1', data: { channel: 'PHONE' } },
      { complaintId: 'c-1', seq: 2, tenantId: 't-1', at: new Date(T0 + HOUR), type: 'DEADLINE_BREACHED', actor: null, data: { kind: 'ACKNOWLEDGE', round: 1 } },
    ]);
    expect(timelineRows('t-1', 'c-1', [])).toEqual([]);
  });
});
