import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  MatterFiring, MatterMember, addMembers, countMatter, matterSeverity, matterWindowMs, nextFiring,
} from '../libs/domain/src/matter/matter.util';
import { MatterActivities, MatterProgress, MatterWorkflowInput, complaintLinkedSignal, matterProgressQuery } from './shared/matter';

// The fan-out paces nothing itself, but a big matter's page of signals takes a while: heartbeats prove it alive.
const { upgradeMatterComplaints } = proxyActivities<MatterActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Past this many history events (at most) the workflow continues as new with its (bounded) state. */
const HISTORY_LIMIT = 2000;

/**
 * One per matter (`matter/<tenant>/<matter>`), started by the first link with signal-with-start and
 * idle between links. It counts the matter's complaints, distinct complainants and households within
 * the policy's window (libs/domain/src/matter: a bounded list of members) and, when a threshold of the
 * tenant's policy is crossed, has an activity signal `severityRuleSignal` to every running complaint
 * of the matter. Later links of a matter that has fired get the same level. State: the members in the
 * window (at most MATTER_MEMBERS_BOUND) and what fired; continue-as-new keeps the history small.
 */
export async function matterWorkflow(input: MatterWorkflowInput): Promise<void> {
  const windowMs = matterWindowMs(input.thresholds);
  const historyLimit = Math.min(HISTORY_LIMIT, Math.max(100, input.historyLimit ?? HISTORY_LIMIT));
  let members: MatterMember[] = input.members ?? [];
  let fired: MatterFiring | null = input.fired ?? null;
  let pending: MatterMember[] = [...(input.pending ?? [])];

  setHandler(complaintLinkedSignal, ({ tenantId, matterId, members: incoming }) => {
    // Another tenant's (or matter's) signal can only be a defect: ignored.
    if (tenantId !== input.tenantId || matterId !== input.matterId) return;
    pending.push(...incoming);
  });
  setHandler(matterProgressQuery, (): MatterProgress => ({ counts: countMatter(members, windowMs), fired, members: members.length }));

  for (;;) {
    await condition(() => pending.length > 0 || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit);
    if (pending.length === 0) break;
    const batch = pending;
    pending = [];
    const known = new Set(members.map((m) => m.complaintId));
    const joined = batch.filter((m) => !known.has(m.complaintId)).map((m) => m.complaintId);
    members = addMembers(members, batch, windowMs);

    const firing = nextFiring(fired, matterSeverity(countMatter(members, windowMs), input.thresholds));
    if (firing) {
      fired = firing;
      await upgradeMatterComplaints({ tenantId: input.tenantId, matterId: input.matterId, severity: firing.severity, rule: firing.rule, firedAt: Date.now(), only: null });
    } else if (fired && joined.length > 0) {
      // The matter's level reaches the complaints that join it after it fired.
      await upgradeMatterComplaints({ tenantId: input.tenantId, matterId: input.matterId, severity: fired.severity, rule: fired.rule, firedAt: Date.now(), only: [...new Set(joined)] });
    }
  }
  await allHandlersFinished();
  return continueAsNew<typeof matterWorkflow>({ ...input, members, fired, pending });
}
