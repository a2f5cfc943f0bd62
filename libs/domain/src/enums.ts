/** Enumerations shared by the API, the workflows and the read model (names as in the public contract). */
export const ROLES = ['PLATFORM_ADMIN', 'HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER', 'DISPATCHER', 'HANDLER', 'CONTRACTOR'] as const;
export type Role = (typeof ROLES)[number];

export const CHANNELS = ['PHONE', 'WALK_IN', 'LETTER', 'EMAIL', 'FAX', 'WEB_FORM', 'FORUM', 'WECHAT', 'STAFF_VISIT', 'TRANSFER'] as const;
export type Channel = (typeof CHANNELS)[number];

export const COMPLAINT_KINDS = ['COMPLAINT', 'REPAIR', 'HELP_REQUEST', 'INQUIRY'] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];

export const CATEGORIES = ['CONSTRUCTION_QUALITY', 'PLANNING_DESIGN', 'SALES', 'PROPERTY_MANAGEMENT', 'CUSTOMER_SERVICE', 'OTHER'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Ordered from least to most severe. */
export const SEVERITIES = ['GENERAL', 'IMPORTANT', 'HOT', 'MAJOR'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const VALIDITIES = ['UNDETERMINED', 'VALID', 'INVALID'] as const;
export type Validity = (typeof VALIDITIES)[number];

export const RESPONSIBILITIES = ['UNDETERMINED', 'RESPONSIBLE', 'NON_RESPONSIBLE', 'ASSIST'] as const;
export type Responsibility = (typeof RESPONSIBILITIES)[number];

export const COMPLAINT_STATUSES = [
  'RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING', 'ANALYSIS_PENDING', 'CLOSED', 'WITHDRAWN', 'MERGED',
] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const CALLBACK_METHODS = ['PHONE', 'VISIT', 'LETTER'] as const;
export type CallbackMethod = (typeof CALLBACK_METHODS)[number];

export const DEADLINE_KINDS = [
  'FORWARD', 'ACKNOWLEDGE', 'VALIDITY', 'FOLLOW_UP_1', 'FOLLOW_UP_2', 'CUSTOMER_REPLY', 'PROGRESS_REPLY',
  'RESOLUTION', 'WHOLE_PROCESS', 'CALLBACK', 'REPORT', 'CONTRACTOR_CONTACT',
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
