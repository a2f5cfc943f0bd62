import { BranchEntity } from './branch.entity';
import { CompanyEntity } from './company.entity';
import { ComplaintEventEntity } from './complaint-event.entity';
import { ComplaintEntity } from './complaint.entity';
import { PolicyVersionEntity } from './policy-version.entity';
import { ReferenceCounterEntity } from './reference-counter.entity';
import { RoleAssignmentEntity } from './role-assignment.entity';
import { TenantEntity } from './tenant.entity';
import { UserEntity } from './user.entity';
import { WeeklyReviewEntity } from './weekly-review.entity';
import { AuditLogEntity } from './audit-log.entity';
import { MatterComplaintEntity, MatterEntity } from './matter.entity';
import { EscalationEntity } from './escalation.entity';
import { ContractorTradeEntity } from './contractor-trade.entity';
import {
  WorkOrderAttemptEntity, WorkOrderEntity, WorkOrderEventEntity, WorkOrderSignatureEntity,
} from './work-order.entity';
import { ReportComplaintFactEntity, ReportStageFactEntity } from './report-fact.entity';
import { DailyReportEntity, DailyReportReceiptEntity } from './daily-report.entity';
import { CategoryModelEntity, TextTermEntity } from './text.entity';
import { ComplainantOptOutEntity, OutboundMessageEntity } from './outbound-message.entity';
import { MessageTemplateEntity } from './message-template.entity';
import { ATTACHMENT_STAGES, AttachmentEntity } from './attachment.entity';

export {
  BranchEntity, CompanyEntity, ComplaintEventEntity, ComplaintEntity, PolicyVersionEntity, ReferenceCounterEntity,
  RoleAssignmentEntity, TenantEntity, UserEntity, WeeklyReviewEntity,
};
export { AuditLogEntity };
export { EscalationEntity };
export { MatterEntity, MatterComplaintEntity };
export { ContractorTradeEntity, WorkOrderEntity, WorkOrderAttemptEntity, WorkOrderEventEntity, WorkOrderSignatureEntity };
export { ReportComplaintFactEntity, ReportStageFactEntity };
export { DailyReportEntity, DailyReportReceiptEntity };
export { CategoryModelEntity, TextTermEntity };
export { ComplainantOptOutEntity, OutboundMessageEntity };
export { MessageTemplateEntity };
export { ATTACHMENT_STAGES, AttachmentEntity };
export type { AttachmentStage } from './attachment.entity';
export type { StoredDeadline, StoredSpecialReport } from './complaint.entity';

export const ENTITIES = [
  TenantEntity, PolicyVersionEntity, CompanyEntity, BranchEntity, UserEntity, RoleAssignmentEntity, ComplaintEntity,
  ComplaintEventEntity, ReferenceCounterEntity, WeeklyReviewEntity, AuditLogEntity, MatterEntity, MatterComplaintEntity, EscalationEntity,
  ContractorTradeEntity, WorkOrderEntity, WorkOrderAttemptEntity, WorkOrderEventEntity, WorkOrderSignatureEntity,
  ReportComplaintFactEntity, ReportStageFactEntity, DailyReportEntity, DailyReportReceiptEntity,
  CategoryModelEntity, TextTermEntity, OutboundMessageEntity, ComplainantOptOutEntity,
  MessageTemplateEntity,
  AttachmentEntity,
];
