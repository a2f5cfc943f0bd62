/** The workflow id of a complaint: one workflow per complaint, derived from tenant and complaint. */
export function complaintWorkflowId(tenantId: string, complaintId: string): string {
  return `complaint/${tenantId}/${complaintId}`;
}
