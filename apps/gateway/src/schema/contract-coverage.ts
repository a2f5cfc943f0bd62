/**
 * The names of the public contract (../shared/spec/api-contract.graphql) that the gateway
 * implements today. The schema check fails when the generated SDL drops or renames any of
 * them; each later capability adds its names here.
 */
export const COVERED_TYPES: Record<string, 'all' | string[]> = {
  Tenant: 'all',
  Company: 'all',
  Branch: 'all',
  BranchCalendar: 'all',
  WorkingHours: 'all',
  User: 'all',
  RoleAssignment: 'all',
  Complainant: 'all',
  Deadline: 'all',
  TimelineEvent: 'all',
  Complaint: [
    'id', 'reference', 'branch', 'channel', 'kind', 'category', 'severity', 'emergency', 'validity', 'responsibility',
    'status', 'round', 'description', 'demand', 'location', 'householdsAffected', 'complainant', 'firstContactOwner',
    'assignee', 'receivedAt', 'deadlines', 'timeline', 'satisfied', 'workflowId', 'policyVersion', 'matterId',
  ],
  ComplaintEdge: 'all',
  PageInfo: 'all',
  ComplaintConnection: 'all',
  ComplaintFilter: 'all',
  ComplainantInput: 'all',
  SubmitComplaintInput: 'all',
  TenantProvisioning: 'all',
  RoleAssignmentInput: 'all',
  Role: 'all',
  Channel: 'all',
  ComplaintKind: 'all',
  Category: 'all',
  Severity: 'all',
  Validity: 'all',
  Responsibility: 'all',
  ComplaintStatus: 'all',
  CallbackMethod: 'all',
  DeadlineKind: 'all',
  DateTime: 'all',
  JSON: 'all',
  Query: ['health', 'me', 'complaint', 'complaints', 'myQueue'],
  Mutation: [
    'submitComplaint', 'dispatchComplaint', 'acknowledgeComplaint', 'recordFollowUp', 'determineValidity',
    'resolveComplaint', 'recordCallback', 'withdrawComplaint', 'createTenant', 'createCompany', 'createBranch', 'createUser',
  ],
};
