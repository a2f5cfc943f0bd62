import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BranchCalendar } from '../../libs/domain/src/calendar/calendar.types';
import type { CallbackMethod, Category } from '../../libs/domain/src/enums';
import type {
  CustomerSignature, Material, Trade, WorkOrderContext, WorkOrderEvent, WorkOrderState, WorkOrderStatus,
} from '../../libs/domain/src/work-order/work-order.types';

// The work-order workflow's contract (`work-order/<tenant>/<workOrderId>`): its input, the Updates staff and
// contractors send, its query, the signal it sends the complaint, and the activities it calls (types only:
// the workflow bundle imports nothing else).

export interface WorkOrderWorkflowInput {
  tenantId: string;
  workOrderId: string;
  branchId: string;
  companyId: string;
  /** Who issued it (a staff user). */
  issuedBy: string;
  contractorId: string;
  trade: Trade;
  description: string;
  /** Complaint, its receipt, category, the tenant's work-order policy and contact rule as they stood at issue. */
  context: WorkOrderContext;
  calendar: BranchCalendar;
  /** Continue-as-new once the run's history passes this many events (default 1,000). */
  maxHistoryEvents?: number;
  /** Carried across continue-as-new. */
  state?: WorkOrderState;
  /** Carried across continue-as-new: retry keys (Update ids) of applied actions and their outcome. */
  appliedActions?: { updateId: string; result: WorkOrderActionResult }[];
}

/** Every Update carries the caller's tenant; the workflow refuses another (TENANT_MISMATCH). */
export interface WorkOrderActionBase { tenantId: string; actorId: string }
export interface ContactArgs extends WorkOrderActionBase { bookedFor: number }
export interface CompleteArgs extends WorkOrderActionBase { materials: Material[]; chargeYuan: number | null; signature: CustomerSignature | null }
export interface SignArgs extends WorkOrderActionBase { signature: CustomerSignature }
export interface ReassignArgs extends WorkOrderActionBase { contractorId: string; reason: string }
export interface ReturnVisitArgs extends WorkOrderActionBase { method: CallbackMethod; satisfied: boolean; comment: string | null }
export interface CancelArgs extends WorkOrderActionBase { reason: string }

export interface WorkOrderActionResult { workOrderId: string; status: WorkOrderStatus; attempt: number; seq: number }

/** Answers once the work order's row is written (update-with-start at issue). */
export const workOrderIssuedUpdate = defineUpdate<WorkOrderActionResult>('workOrderIssued');
export const contractorContactUpdate = defineUpdate<WorkOrderActionResult, [ContactArgs]>('recordContractorContact');
export const onSiteUpdate = defineUpdate<WorkOrderActionResult, [WorkOrderActionBase]>('recordOnSite');
export const completeWorkOrderUpdate = defineUpdate<WorkOrderActionResult, [CompleteArgs]>('completeWorkOrder');
export const signWorkOrderUpdate = defineUpdate<WorkOrderActionResult, [SignArgs]>('recordCustomerSignature');
export const reassignWorkOrderUpdate = defineUpdate<WorkOrderActionResult, [ReassignArgs]>('reassignWorkOrder');
export const returnVisitUpdate = defineUpdate<WorkOrderActionResult, [ReturnVisitArgs]>('recordReturnVisit');
export const cancelWorkOrderUpdate = defineUpdate<WorkOrderActionResult, [CancelArgs]>('cancelWorkOrder');
export const workOrderStateQuery = defineQuery<WorkOrderState>('workOrderState');

/**
 * Sent by a work order to its complaint's workflow when a return visit was unsatisfied: a complaint
 * waiting for its callback records an unsatisfied callback and reopens (the complaint workflow handles
 * it behind its own patch; another tenant's or a malformed signal is ignored).
 */
export const workOrderReturnVisitSignal = defineSignal<[{
  tenantId: string; workOrderId: string; actorId: string; method: CallbackMethod; comment: string | null;
}]>('workOrderReturnVisitUnsatisfied');

/** A refused work-order action (the status does not allow it, or the data is wrong for it). */
export const WORK_ORDER_REFUSED = 'WORK_ORDER_REFUSED';

export interface PersistWorkOrderArgs {
  tenantId: string;
  workOrderId: string;
  complaintId: string;
  branchId: string;
  companyId: string;
  workflowId: string;
  /** The complaint's category at issue (input.context.complaintCategory): each attempt row carries it for the scorecard. */
  category: Category | null;
  /** Who issued it (input.issuedBy): the work_orders.issued_by column. */
  issuedBy: string | null;
  state: WorkOrderState;
  /** New timeline events (seq-numbered: a retried write never doubles one). */
  events: WorkOrderEvent[];
}

export interface WorkOrderActivities {
  /** Upserts the work_orders row, its attempts (work_order_attempts) and appends the events, in one tenant transaction (idempotent). */
  persistWorkOrder(args: PersistWorkOrderArgs): Promise<void>;
  /**
   * The next contractor of the trade on the branch's list (contractor_trades by rank, then name; a CONTRACTOR
   * grant reaching the branch), skipping `exclude`; null when none is left.
   */
  nextContractor(args: { tenantId: string; branchId: string; companyId: string; trade: Trade; exclude: string[] }): Promise<string | null>;
}
