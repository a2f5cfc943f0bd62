import {
  ApplicationFailure, allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, uuid4, workflowInfo,
} from '@temporalio/workflow';
// Relative imports only: path aliases do not resolve inside the workflow bundle.
import { ackWindowMs, escalationDurationMs } from '../libs/domain/src/escalation/escalation.util';
import { TENANT_MISMATCH } from './shared/complaint.types';
import {
  AcknowledgeEscalationResult, ESCALATION_ACK_REFUSED, EscalationActivities, EscalationProgress, EscalationWorkflowInput,
  acknowledgeEscalationUpdate, escalationComplaintEndedSignal, escalationProgressQuery,
} from './shared/escalation';
import { createExclusive } from './shared/exclusive';

const acts = proxyActivities<EscalationActivities>({
  startToCloseTimeout: '30 seconds',
  // Idempotent writes (keyed by the row's step): retried until the database is back, never doubled.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/** A long repeat chain continues as new well before its history grows large. */
const MAX_HISTORY_EVENTS = 1000;

/**
 * One escalation of one complaint for one trigger and round (`escalation/<tenant>/<complaint>/<trigger>/<n>`):
 * raise the first level whose role someone holds (skip-level, 004 §3.2.2 A), wait for an acknowledgement
 * or the level's timeout (a durable timer on calendar time), then supersede it and raise the next level;
 * the last level repeats at the rule's interval. Stops when acknowledged (a MAJOR rule with a progress
 * interval raises a progress report again after it, until the complaint closes) or when the complaint
 * ends. Runs on the rule it was started with: a policy edit changes later escalations only.
 */
export async function escalationWorkflow(input: EscalationWorkflowInput): Promise<EscalationProgress> {
  const { rule } = input;
  const last = rule.levels.length - 1;
  const p: EscalationProgress = input.progress
    ? { ...input.progress }
    : { step: 0, levelIndex: -1, openRowId: null, repeating: false, acknowledged: null };
  // What to raise next (null: nothing pending); the first level on a fresh start.
  let pending: { index: number; repeating: boolean; reason: string; supersedes: string | null } | null = input.progress
    ? null : { index: 0, repeating: false, reason: input.reason, supersedes: null };
  let openDueAt = input.progress ? (input.openDueAt ?? Date.now()) : 0;
  let progressAt = input.progress ? (input.progressAt ?? null) : null;
  let ended = false;

  const exclusive = createExclusive();

  setHandler(escalationProgressQuery, () => p);
  setHandler(escalationComplaintEndedSignal, ({ tenantId }) => {
    if (tenantId === input.tenantId) ended = true;
  });
  setHandler(acknowledgeEscalationUpdate, (args) => exclusive(async (): Promise<AcknowledgeEscalationResult> => {
    // The first acknowledgement stands: a second one (or a retry) gets the same answer.
    if (p.acknowledged) return { escalationId: p.acknowledged.rowId, acknowledgedAt: p.acknowledged.at, acknowledgedBy: p.acknowledged.by };
    // Only the level now open: one already superseded was raised to the next level and is answered there.
    if (p.openRowId === null || args.escalationId !== p.openRowId) {
      throw ApplicationFailure.nonRetryable('This escalation is no longer open: it was raised to the next level', ESCALATION_ACK_REFUSED);
    }
    const rowId = p.openRowId;
    const r = await acts.acknowledgeEscalationRow({ tenantId: input.tenantId, rowId, userId: args.userId, at: Date.now() });
    p.acknowledged = { rowId, by: r.acknowledgedBy, at: r.acknowledgedAt };
    if (rule.progressReportEvery) progressAt = Date.now() + escalationDurationMs(rule.progressReportEvery);
    return { escalationId: rowId, acknowledgedAt: r.acknowledgedAt, acknowledgedBy: r.acknowledgedBy };
  }), {
    validator: (args) => {
      if (args?.tenantId !== input.tenantId) throw ApplicationFailure.nonRetryable('Acknowledgement sent for another tenant; refused', TENANT_MISMATCH);
      if (typeof args.userId !== 'string' || args.userId === '') throw ApplicationFailure.nonRetryable('Acknowledgement without a user', ESCALATION_ACK_REFUSED);
    },
  });

  /** Raises what is pending: one row, written with its notification in one transaction. False when the complaint has ended. */
  const raise = (next: NonNullable<typeof pending>): Promise<boolean> => exclusive(async () => {
    if (p.acknowledged && next.supersedes !== null) return true; // acknowledged just before the timeout was handled
    const candidates = next.repeating ? [rule.levels[last]] : rule.levels.slice(next.index);
    const rowId = uuid4();
    const raisedAt = Date.now();
    const r = await acts.raiseEscalation({
      tenantId: input.tenantId, complaintId: input.complaintId, branchId: input.branchId, companyId: input.companyId,
      workflowId: workflowInfo().workflowId, rowId, step: p.step, trigger: input.trigger, reason: next.reason,
      levels: candidates.map((l) => l.level), raisedAt,
      ackWithinMs: candidates.map((_, i) => ackWindowMs(rule, next.repeating ? last : next.index + i, next.repeating)),
      supersedes: next.supersedes, rule,
    });
    p.step += 1;
    if (!r.raised) return false;
    p.levelIndex = next.repeating ? last : next.index + r.skipped;
    p.openRowId = rowId;
    p.repeating = next.repeating;
    p.acknowledged = null;
    openDueAt = r.ackDueAt;
    return true;
  });

  for (;;) {
    if (ended) break;
    if (pending) {
      const next = pending;
      pending = null;
      if (!(await raise(next))) break;
    } else if (p.acknowledged) {
      if (progressAt === null) break;
      // MAJOR: a progress report at least every interval until the complaint closes (004 篇3 §5.5.2.4).
      if (await condition(() => ended, Math.max(1, progressAt - Date.now()))) break;
      progressAt = null;
      pending = { index: Math.max(0, p.levelIndex), repeating: false, reason: `${input.reason}:PROGRESS`, supersedes: null };
      p.openRowId = null;
    } else {
      const woke = await condition(() => ended || p.acknowledged !== null, Math.max(1, openDueAt - Date.now()));
      if (!woke) {
        // Not acknowledged in time: superseded, and the next level up (the last one again, at its interval).
        pending = p.levelIndex >= last
          ? { index: last, repeating: true, reason: input.reason, supersedes: p.openRowId }
          : { index: p.levelIndex + 1, repeating: false, reason: input.reason, supersedes: p.openRowId };
      }
    }
    if (!pending && (workflowInfo().historyLength > MAX_HISTORY_EVENTS || workflowInfo().continueAsNewSuggested)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof escalationWorkflow>({ ...input, progress: p, openDueAt, progressAt });
    }
  }
  await condition(allHandlersFinished);
  return p;
}
