/** The workflow id of a complaint: one workflow per complaint, derived from tenant and complaint. */
export function complaintWorkflowId(tenantId: string, complaintId: string): string {
  return `complaint/${tenantId}/${complaintId}`;
}

/**
 * The workflow id of one branch-calendar change's propagation to the branch's running complaints:
 * one per change, so starting it again for the same change attaches instead of doubling it.
 */
export function calendarPropagationWorkflowId(tenantId: string, branchId: string, changeId: string): string {
  return `calendar-propagation/${tenantId}/${branchId}/${changeId}`;
}

/**
 * The workflow id of one escalation: one per (complaint, trigger, round), so starting it again for the
 * same trigger attaches to (or is refused by) the one already raised instead of doubling it.
 */
export function escalationWorkflowId(tenantId: string, complaintId: string, trigger: string, round: number): string {
  return `escalation/${tenantId}/${complaintId}/${trigger}/${round}`;
}

/** The workflow id the tenant's weekly review schedule gives its runs (the server appends each run's time). */
export function weeklyReviewWorkflowId(tenantId: string): string {
  return `weekly-review/${tenantId}`;
}

/**
 * The workflow id a branch's daily report schedule gives its runs (the server appends each run's
 * time); a report built outside the schedule for one date adds the date instead.
 */
export function dailyReportWorkflowId(tenantId: string, branchId: string, date?: string): string {
  return date ? `daily-report/${tenantId}/${branchId}/${date}` : `daily-report/${tenantId}/${branchId}`;
}

/**
 * The workflow id of a training of the tenant's category classifier: `category-model/<tenant>` for the
 * nightly schedule's runs (the server appends each run's time), `…/<key>` for one started on demand
 * (the key derived from the caller's request id, so the same request runs once).
 */
export function categoryModelWorkflowId(tenantId: string, key?: string): string {
  return key ? `category-model/${tenantId}/${key}` : `category-model/${tenantId}`;
}

/** The workflow id of a same-matter group: one long-lived workflow per matter, counting its complaints. */
export function matterWorkflowId(tenantId: string, matterId: string): string {
  return `matter/${tenantId}/${matterId}`;
}

/** The workflow id of a work order: one long-lived workflow per work order (its own id, linked to its complaint). */
export function workOrderWorkflowId(tenantId: string, workOrderId: string): string {
  return `work-order/${tenantId}/${workOrderId}`;
}

/** A Temporal Schedule's suffix on the workflow ids it starts: `-` and the scheduled time (RFC 3339, UTC). */
const SCHEDULED_TIME_SUFFIX = /-\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/**
 * The tenant named by one of our workflow ids, or null when the id is not one of ours or is malformed
 * (an empty segment, a complaint id holding a slash): whoever addresses a workflow can check with it
 * that the workflow is the caller's tenant's.
 */
export function tenantOfWorkflowId(workflowId: string): string | null {
  const parts = workflowId.split('/');
  if (parts.some((p) => p === '')) return null;
  const [kind, tenantId] = parts;
  switch (kind) {
    case 'complaint':
      return parts.length === 3 ? tenantId : null;
    case 'matter':
      return parts.length === 3 ? tenantId : null;
    case 'work-order':
      return parts.length === 3 ? tenantId : null;
    case 'calendar-propagation':
      return parts.length === 4 ? tenantId : null;
    case 'escalation':
      return parts.length === 5 ? tenantId : null;
    case 'daily-report':
      // `daily-report/<tenant>/<branch>`, `…/<branch>-<scheduled time>` for a run of the schedule, `…/<branch>/<date>` built directly.
      if (parts.length === 3) return parts[2].replace(SCHEDULED_TIME_SUFFIX, '') ? tenantId : null;
      return parts.length === 4 && /^\d{4}-\d{2}-\d{2}$/.test(parts[3]) ? tenantId : null;
    case 'category-model':
      // `category-model/<tenant>-<scheduled time>` for a run of the schedule, `category-model/<tenant>/<key>` on demand.
      if (parts.length === 3) return tenantId;
      return parts.length === 2 ? tenantId.replace(SCHEDULED_TIME_SUFFIX, '') || null : null;
    case 'weekly-review':
      // `weekly-review/<tenant>`, and `weekly-review/<tenant>-<scheduled time>` for a run of the schedule.
      return parts.length === 2 ? tenantId.replace(SCHEDULED_TIME_SUFFIX, '') || null : null;
    default:
      return null;
  }
}
