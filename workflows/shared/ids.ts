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
