// The contract lives with the workflows (workflows/shared), which import nothing from apps/.
export type { ComplaintActivities, ComplaintAnalysis, RegisterComplaintArgs } from '../../../../workflows/shared/complaint.activities.types';
