import type { Severity } from '../../libs/domain/src/enums';
import type { ComplaintIntake, ComplaintProjection, ProjectionFailureRecord } from './complaint.types';

/** Registration writes the row and the first projection (intake events, first deadlines) in one go. */
export interface RegisterComplaintArgs extends ComplaintProjection {
  intake: ComplaintIntake;
  policyVersion: number;
  severity: Severity;
}

/** Figures one closed complaint contributes to the reports. */
export interface ComplaintAnalysis {
  rounds: number;
  reopenCount: number;
  msToDispatch: number | null;
  msToResolve: number | null;
  msToCallback: number | null;
  deadlinesMet: number;
  deadlinesBreached: number;
}

/** The activity contract the complaint workflow calls (types only: the workflow bundle imports nothing else). */
export interface ComplaintActivities {
  registerComplaint(args: RegisterComplaintArgs): Promise<{ reference: string }>;
  persistComplaint(projection: ComplaintProjection): Promise<void>;
  analyseComplaint(args: { tenantId: string; complaintId: string }): Promise<ComplaintAnalysis>;
  /** Logs an ALERT (ids and reference only) and records the failure on the complaint's timeline when it has a row. */
  recordProjectionFailure(record: ProjectionFailureRecord): Promise<void>;
}
