// The GraphQL operations the console sends (the contract's names and the reporting additions of issue 12).
export const ME = `query Me { me { id name roles { role companyId branchId } } }`;

export const FIGURES = `received valid invalid resolved closed processingRate timelinessRate callbackRate satisfactionRate reopenRate
  firstTimeFixRate overdueOpen from to timeZone`;

export const REVIEW = `query Review($quarter: String!, $companyId: ID) {
  quarterlyEscalationReview(quarter: $quarter, companyId: $companyId) {
    quarter
    figures { ${FIGURES} }
    byBranch { branch { id code name } figures { received } }
    byMonth
    items {
      complaint { id reference severity status receivedAt }
      peakSeverity ageDays escalationStatus escalations specialReportSubmitted month
      branch { id code name }
    }
  }
}`;

export const BRANCHES = `query Branches($period: String!) {
  branchRanking(period: $period) { branch { id code name company { id name } } }
}`;

export const RANKING = `query Ranking($period: String!, $companyId: ID) {
  branchRanking(period: $period, companyId: $companyId) {
    rank bottomThree topImprover satisfactionChange
    branch { id code name company { id name } }
    figures { received valid resolved processingRate satisfactionRate callbacks satisfied }
  }
}`;

/** The last six months of one scope, one aliased field per month (the gateway allows 20 aliases). */
export function monthlyTrend(months: string[]): string {
  const fields = months.map((m, i) => `m${i}: monthlyReport(month: "${m}", companyId: $companyId, branchId: $branchId) { ${FIGURES} }`);
  return `query Trend($companyId: ID, $branchId: ID) { ${fields.join('\n')} }`;
}

export const MONTH_BY_BRANCH = `query MonthByBranch($period: String!, $companyId: ID) {
  branchRanking(period: $period, companyId: $companyId) {
    branch { id code name company { id name } }
    figures { ${FIGURES} }
  }
}`;

const COMPLAINT_ROW = `id reference severity status receivedAt branch { id code name } deadlines { kind dueAt metAt breachedAt }`;

export const OVERDUE = `query Overdue($companyId: ID, $branchId: ID) { overdueComplaints(companyId: $companyId, branchId: $branchId, first: 100) { ${COMPLAINT_ROW} } }`;

export const QUEUE = `query Queue($branchId: ID) {
  myQueue(first: 50) { totalCount edges { node { ${COMPLAINT_ROW} } } }
  overdueComplaints(branchId: $branchId, first: 50) { ${COMPLAINT_ROW} }
}`;

export const COMPLAINT = `query Complaint($id: ID!) {
  complaint(id: $id) {
    id reference status severity category kind round description receivedAt validity satisfied
    branch { id code name }
    assignee { id name }
    deadlines { kind dueAt metAt breachedAt }
    timeline { seq at type actor data }
    escalations { id level reason raisedAt ackDueAt acknowledgedAt superseded acknowledgedBy { id name } }
    specialReport { whatHappened rootCause preventiveMeasures submittedAt }
  }
}`;

export interface Figures {
  received: number; valid: number; invalid: number; resolved: number; closed: number; processingRate: number; timelinessRate: number;
  callbackRate: number; satisfactionRate: number; reopenRate: number; firstTimeFixRate: number; overdueOpen: number; from: string; to: string; timeZone: string;
}
export interface BranchRef { id: string; code: string; name: string; company?: { id: string; name: string } }
export interface DeadlineRow { kind: string; dueAt: string; metAt: string | null; breachedAt: string | null }
export interface ComplaintRow { id: string; reference: string; severity: string; status: string; receivedAt: string; branch: BranchRef; deadlines: DeadlineRow[] }

/** Period helpers, in the browser's calendar (the reports themselves use the branches' time zone). */
export function currentQuarter(now = new Date()): string {
  return `${now.getFullYear()}-Q${Math.floor(now.getMonth() / 3) + 1}`;
}
export function currentMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}
export function lastMonths(month: string, n: number): string[] {
  const [y, m] = month.split('-').map(Number);
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i -= 1) {
    const d = new Date(y, m - 1 - i, 1);
    out.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}
export function recentQuarters(n: number, now = new Date()): string[] {
  const out: string[] = [];
  let y = now.getFullYear();
  let q = Math.floor(now.getMonth() / 3) + 1;
  for (let i = 0; i < n; i += 1) {
    out.push(`${y}-Q${q}`);
    q -= 1;
    if (q === 0) { q = 4; y -= 1; }
  }
  return out;
}
export const percent = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);
export const formatTime = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');
