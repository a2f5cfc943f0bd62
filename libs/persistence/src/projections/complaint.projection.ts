import type { Severity } from '../../../domain/src/enums';
import type { ComplaintState, IntakeFacts, TimelineEventRecord } from '../../../domain/src/lifecycle/complaint.types';
import type { ComplaintEventEntity } from '../entities/complaint-event.entity';
import type { ComplaintEntity, StoredDeadline, StoredSpecialReport } from '../entities/complaint.entity';

/**
 * The complaint row and its timeline as the worker writes them, in the entity's property names:
 * the entities are the one definition of the columns, these pure functions the one mapping from
 * the workflow's state to them. The activities write what they return with TypeORM's query
 * builder; the gateway reads the same entities.
 */

/** What intake records once, for the complaint's life. */
export interface ComplaintIntakeRowArgs {
  tenantId: string;
  complaintId: string;
  reference: string;
  workflowId: string;
  severity: Severity;
  policyVersion: number;
  intake: IntakeFacts & {
    idempotencyKey: string;
    branchId: string;
    companyId: string;
    description: string;
    demand: string | null;
    location: string | null;
    complainant: { name: string; phone: string | null; unit: string | null; email?: string | null; wechat?: string | null };
  };
}

const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
const toIso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The row inserted at registration; the lifecycle columns start where every complaint starts. */
export function complaintRowAtIntake(args: ComplaintIntakeRowArgs): Partial<ComplaintEntity> {
  const { intake } = args;
  return {
    id: args.complaintId,
    tenantId: args.tenantId,
    companyId: intake.companyId,
    branchId: intake.branchId,
    reference: args.reference,
    idempotencyKey: intake.idempotencyKey,
    workflowId: args.workflowId,
    channel: intake.channel,
    kind: intake.kind,
    category: intake.category,
    severity: args.severity,
    emergency: intake.emergency,
    validity: 'UNDETERMINED',
    responsibility: 'UNDETERMINED',
    status: 'RECEIVED',
    round: 1,
    description: intake.description,
    demand: intake.demand,
    location: intake.location,
    householdsAffected: intake.householdsAffected,
    // numeric column: the driver sends it as text either way.
    lossAmountYuan: intake.lossAmountYuan === null ? null : String(intake.lossAmountYuan),
    injury: intake.injury,
    mediaExposure: intake.mediaExposure,
    litigation: intake.litigation,
    complainantName: intake.complainant.name,
    complainantPhone: intake.complainant.phone,
    complainantUnit: intake.complainant.unit,
    complainantEmail: intake.complainant.email ?? null,
    complainantWechat: intake.complainant.wechat ?? null,
    firstContactOwnerId: intake.firstContactOwnerId,
    // 首问责任制: the first-contact owner follows it through until a hand-over.
    ownerId: intake.firstContactOwnerId,
    receivedAt: new Date(intake.receivedAt),
    policyVersion: args.policyVersion,
    // 0: the first projection (seq ≥ 1) always overwrites the intake row.
    lastSeq: 0,
    customerDeadline: intake.customerDeadline ? new Date(intake.customerDeadline) : null,
  };
}

/**
 * The lifecycle columns the workflow's state projects onto the row. `calendarChangedAt` is set
 * (to `now`) only when these events include a CALENDAR_CHANGED; otherwise it is left out, so the
 * stored value is kept. `updatedAt` is the entity's update-date column, set by TypeORM on update.
 */
export function complaintProjection(state: ComplaintState, events: readonly TimelineEventRecord[], now: Date): Partial<ComplaintEntity> {
  const deadlines: StoredDeadline[] = state.deadlines.map((d) => ({
    kind: d.kind, round: d.round, dueAt: new Date(d.dueAt).toISOString(), metAt: toIso(d.metAt), breachedAt: toIso(d.breachedAt),
    ...(d.cancelledAt ? { cancelledAt: toIso(d.cancelledAt) } : {}),
  }));
  const specialReport: StoredSpecialReport | null = state.specialReport
    ? { ...state.specialReport, submittedAt: new Date(state.specialReport.submittedAt).toISOString() }
    : null;
  return {
    status: state.status,
    round: state.round,
    category: state.category,
    severity: state.severity,
    validity: state.validity,
    responsibility: state.responsibility,
    assigneeId: state.assigneeId,
    resolvedAt: toDate(state.resolvedAt),
    closedAt: toDate(state.closedAt),
    satisfied: state.satisfied,
    lastCallbackMethod: state.lastCallbackMethod,
    deadlines,
    // A deadline closed by a merge no longer counts against the complaint.
    overdue: state.deadlines.some((d) => d.breachedAt !== null && d.metAt === null && !d.cancelledAt),
    lastSeq: state.seq,
    specialReport,
    // Only once handed over or merged (states from before either existed leave the columns as they are).
    ...(state.ownerId ? { ownerId: state.ownerId } : {}),
    ...(state.mergedIntoId ? { mergedIntoId: state.mergedIntoId } : {}),
    // Facts staff corrected (updateComplaintFacts): the row shows what severity is judged by now.
    ...(state.facts ? {
      householdsAffected: state.facts.householdsAffected,
      lossAmountYuan: state.facts.lossAmountYuan === null ? null : String(state.facts.lossAmountYuan),
      injury: state.facts.injury,
      mediaExposure: state.facts.mediaExposure,
      litigation: state.facts.litigation,
      emergency: state.facts.emergency,
    } : {}),
    ...(events.some((e) => e.type === 'CALENDAR_CHANGED') ? { calendarChangedAt: now } : {}),
  };
}

/** One timeline row per event; (complaintId, seq) is each row's idempotency key. */
export function timelineRows(tenantId: string, complaintId: string, events: readonly TimelineEventRecord[]): Partial<ComplaintEventEntity>[] {
  return events.map((e) => ({
    complaintId, seq: e.seq, tenantId, at: new Date(e.at), type: e.type, actor: e.actor, data: e.data,
  }));
}
