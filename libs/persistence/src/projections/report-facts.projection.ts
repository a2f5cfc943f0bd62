import { SEVERITIES, type Severity } from '../../../domain/src/enums';
import type { ComplaintState, TimelineEventRecord } from '../../../domain/src/lifecycle/complaint.types';
import type { ReportComplaintFactEntity, ReportStageFactEntity } from '../entities/report-fact.entity';

/**
 * The reporting facts of one complaint, from the workflow's state and the events of one write: the
 * pure half of the worker's fact upsert (report-facts.writer.ts merges them with what is stored:
 * "first" instants stay once set, the peak severity never goes down, a stale write is ignored).
 *
 * The complaint's company, branch, kind, received time and specialist (owner) are taken from the
 * read-model row written in the same transaction, so they are not part of this mapping.
 */
export type ComplaintFactValues = Pick<
  ReportComplaintFactEntity,
  | 'category' | 'severity' | 'peakSeverity' | 'hotOrMajorAt' | 'valid' | 'invalid' | 'resolvedAt' | 'calledBackAt' | 'satisfied'
  | 'reopened' | 'closedAt' | 'withdrawn' | 'merged' | 'open' | 'overdue' | 'dispatcherId' | 'specialReportAt' | 'updatedSeq'
>;

export type StageFactValues = Pick<
  ReportStageFactEntity,
  'kind' | 'round' | 'startedAt' | 'dueAt' | 'completedAt' | 'breachedAt' | 'cancelledAt' | 'metOnTime' | 'actorId' | 'severityAtCompletion' | 'updatedSeq'
>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const toDate = (ms: number | null | undefined): Date | null => (ms === null || ms === undefined ? null : new Date(ms));
const HOT_OR_MAJOR: readonly Severity[] = ['HOT', 'MAJOR'];

/** The more severe of two levels (SEVERITIES is ordered from least to most severe). */
export function higherSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

function firstAt(events: TimelineEventRecord[], type: string): number | null {
  let at: number | null = null;
  for (const e of events) if (e.type === type && (at === null || e.at < at)) at = e.at;
  return at;
}

/** The levels this write's events record (intake classification and every severity change). */
function severitiesOf(events: TimelineEventRecord[]): { severity: Severity; at: number }[] {
  const out: { severity: Severity; at: number }[] = [];
  for (const e of events) {
    const v = e.type === 'CLASSIFIED' ? e.data.severity : e.type === 'SEVERITY_CHANGED' ? e.data.to : undefined;
    if (typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)) out.push({ severity: v as Severity, at: e.at });
  }
  return out;
}

/**
 * The complaint fact as of this write. `receivedAt` is intake's time (for the first HOT/MAJOR
 * instant of a complaint that was HOT or MAJOR from intake).
 */
export function complaintFactValues(state: ComplaintState, events: TimelineEventRecord[], receivedAt?: number): ComplaintFactValues {
  const seen = severitiesOf(events);
  let peak: Severity = state.severity;
  for (const s of seen) peak = higherSeverity(peak, s.severity);
  // First HOT/MAJOR in this write: the event that raised it, else (already HOT/MAJOR) the write's time.
  let hotOrMajorAt: number | null = null;
  for (const s of seen) if (HOT_OR_MAJOR.includes(s.severity) && (hotOrMajorAt === null || s.at < hotOrMajorAt)) hotOrMajorAt = s.at;
  if (hotOrMajorAt === null && HOT_OR_MAJOR.includes(state.severity)) {
    hotOrMajorAt = events.length > 0 ? Math.min(...events.map((e) => e.at)) : (state.receivedAt ?? receivedAt ?? null);
  }
  const resolvedInWrite = firstAt(events, 'RESOLVED');
  const resolvedAt = resolvedInWrite ?? state.resolvedAt;
  const firstDispatch = events.find((e) => e.type === 'DISPATCHED');
  const dispatcherId = firstDispatch?.actor && UUID.test(firstDispatch.actor) ? firstDispatch.actor : null;
  const terminal = state.status === 'CLOSED' || state.status === 'WITHDRAWN' || state.status === 'MERGED';
  return {
    category: state.category,
    severity: state.severity,
    peakSeverity: peak,
    hotOrMajorAt: toDate(hotOrMajorAt),
    valid: state.validity === 'VALID',
    invalid: state.validity === 'INVALID',
    resolvedAt: toDate(resolvedAt),
    calledBackAt: toDate(firstAt(events, 'CALLBACK')),
    satisfied: state.satisfied,
    reopened: state.round > 1,
    closedAt: state.status === 'CLOSED' ? toDate(state.closedAt) : null,
    withdrawn: state.status === 'WITHDRAWN',
    merged: state.status === 'MERGED',
    open: !terminal,
    overdue: !terminal && state.deadlines.some((d) => d.breachedAt !== null && d.metAt === null && !d.cancelledAt),
    dispatcherId,
    specialReportAt: toDate(state.specialReport?.submittedAt),
    updatedSeq: state.seq,
  };
}

/**
 * One stage fact per deadline of the state (kind, round, started). The actor and the severity at
 * completion are the assignee and level of the write that saw it met (the writer keeps the first).
 */
export function stageFactValues(state: ComplaintState): StageFactValues[] {
  const seen = new Set<string>();
  const out: StageFactValues[] = [];
  for (const d of state.deadlines) {
    const key = `${d.kind}/${d.round}/${d.anchorAt}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const completed = d.metAt !== null;
    out.push({
      kind: d.kind,
      round: d.round,
      startedAt: new Date(d.anchorAt),
      dueAt: new Date(d.dueAt),
      completedAt: toDate(d.metAt),
      breachedAt: toDate(d.breachedAt),
      cancelledAt: toDate(d.cancelledAt),
      metOnTime: completed ? (d.metAt as number) <= d.dueAt : null,
      actorId: completed && state.assigneeId && UUID.test(state.assigneeId) ? state.assigneeId : null,
      severityAtCompletion: completed ? state.severity : null,
      updatedSeq: state.seq,
    });
  }
  return out;
}
