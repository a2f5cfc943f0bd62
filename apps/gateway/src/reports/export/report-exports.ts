/**
 * The reports the console exports, each as: the query parameters it takes, the GraphQL operation
 * that reads it (the same resolvers, services, scope and checks as any GraphQL client), and the
 * rows of its first sheet with bilingual headers.
 */

export interface Column {
  zh: string;
  en: string;
  /** Excel number format, e.g. '0.0%'. */
  format?: string;
  width?: number;
}

export interface SheetData {
  /** The sheet's title line (Chinese / English) and its scope. */
  title: string;
  columns: Column[];
  rows: unknown[][];
  /** Further small tables below the main one (e.g. by category). */
  extra?: { title: string; columns: Column[]; rows: unknown[][] }[];
}

export interface ReportExport {
  /** Query parameters, each with whether it is required. */
  params: Record<string, boolean>;
  query: string;
  sheet: (data: Record<string, any>, params: Record<string, string>) => SheetData;
}

const FIGURES = `received valid invalid resolved closed processingRate timelinessRate callbackRate satisfactionRate reopenRate
  calledBack callbacks satisfied reopened stagesCompleted stagesOnTime firstTimeFixRate workOrdersCompleted overdueOpen
  byCategory bySeverity from to timeZone`;

const PCT = '0.0%';
const metric = (zh: string, en: string, key: string, format?: string): { zh: string; en: string; key: string; format?: string } => ({ zh, en, key, format });
const FIGURE_ROWS = [
  metric('受理数', 'Received', 'received'), metric('有效', 'Valid', 'valid'), metric('无效', 'Invalid', 'invalid'),
  metric('已解决', 'Resolved', 'resolved'), metric('已关闭', 'Closed', 'closed'),
  metric('处理率', 'Processing rate', 'processingRate', PCT), metric('及时率', 'Timeliness rate', 'timelinessRate', PCT),
  metric('回访率', 'Callback rate', 'callbackRate', PCT), metric('满意率', 'Satisfaction rate', 'satisfactionRate', PCT),
  metric('重开率', 'Reopen rate', 'reopenRate', PCT), metric('一次修复率', 'First-time-fix rate', 'firstTimeFixRate', PCT),
  metric('已回访', 'Called back', 'calledBack'), metric('回访次数', 'Callbacks', 'callbacks'), metric('满意', 'Satisfied', 'satisfied'),
  metric('重开', 'Reopened', 'reopened'), metric('完成环节', 'Stages completed', 'stagesCompleted'), metric('按时完成环节', 'Stages on time', 'stagesOnTime'),
  metric('完成工单', 'Work orders completed', 'workOrdersCompleted'), metric('超期未结', 'Open and overdue', 'overdueOpen'),
];

const col = (zh: string, en: string, format?: string, width?: number): Column => ({ zh, en, format, width });

/** Figures as rows (metric, value), with by-category and by-severity tables below. */
function figuresSheet(title: string, f: Record<string, any>): SheetData {
  const breakdown = (label: { zh: string; en: string }, by: Record<string, Record<string, number>> | null | undefined) => ({
    title: `${label.zh} ${label.en}`,
    columns: [col(label.zh, label.en, undefined, 24), col('受理数', 'Received'), col('已解决', 'Resolved'), col('处理率', 'Processing rate', PCT), col('满意率', 'Satisfaction rate', PCT)],
    rows: Object.entries(by ?? {}).map(([k, v]) => [k, v?.received ?? null, v?.resolved ?? null, v?.processingRate ?? null, v?.satisfactionRate ?? null]),
  });
  return {
    title: `${title} · ${f.from ?? ''} – ${f.to ?? ''} (${f.timeZone ?? ''})`,
    columns: [col('指标', 'Metric', undefined, 22), col('Metric', 'Metric (English)', undefined, 26), col('数值', 'Value', undefined, 14)],
    rows: FIGURE_ROWS.filter((m) => f[m.key] !== undefined).map((m) => [m.zh, m.en, { value: f[m.key], format: m.format }]),
    extra: [breakdown({ zh: '类别', en: 'Category' }, f.byCategory), breakdown({ zh: '严重程度', en: 'Severity' }, f.bySeverity)],
  };
}

const firstBreached = (deadlines: { kind: string; dueAt: string; metAt: string | null; breachedAt: string | null }[] = []) =>
  deadlines.filter((d) => d.breachedAt && !d.metAt).sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];

const date = (iso: string | null | undefined): Date | null => (iso ? new Date(iso) : null);

export const REPORT_EXPORTS: Record<string, ReportExport> = {
  monthly: {
    params: { month: true, companyId: false, branchId: false },
    query: `query($month: String!, $companyId: ID, $branchId: ID) { r: monthlyReport(month: $month, companyId: $companyId, branchId: $branchId) { ${FIGURES} } }`,
    sheet: (d, p) => figuresSheet(`月度报表 Monthly report ${p.month}`, d.r),
  },
  daily: {
    params: { date: true, branchId: false },
    query: `query($date: String!, $branchId: ID) { r: dailyReport(date: $date, branchId: $branchId) { ${FIGURES} } }`,
    sheet: (d, p) => figuresSheet(`日报 Daily report ${p.date}`, d.r),
  },
  ranking: {
    params: { period: true, companyId: false },
    query: `query($period: String!, $companyId: ID) { r: branchRanking(period: $period, companyId: $companyId) {
      rank bottomThree topImprover satisfactionChange branch { code name company { name } } figures { ${FIGURES} } } }`,
    sheet: (d, p) => ({
      title: `分公司满意度排名 Branch ranking ${p.period}`,
      columns: [
        col('名次', 'Rank'), col('公司', 'Company', undefined, 30), col('分公司编码', 'Branch code'), col('分公司', 'Branch', undefined, 24),
        col('满意率', 'Satisfaction rate', PCT), col('满意率变化', 'Satisfaction change', PCT), col('处理率', 'Processing rate', PCT),
        col('受理数', 'Received'), col('回访次数', 'Callbacks'), col('后三名', 'Bottom three'), col('进步最快', 'Top improver'),
      ],
      rows: (d.r as any[]).map((r) => [
        r.rank, r.branch.company?.name ?? '', r.branch.code, r.branch.name, r.figures.satisfactionRate, r.satisfactionChange ?? null,
        r.figures.processingRate, r.figures.received, r.figures.callbacks, r.bottomThree ? '是 Yes' : '', r.topImprover ? '是 Yes' : '',
      ]),
    }),
  },
  'escalation-review': {
    params: { quarter: true, companyId: false },
    query: `query($quarter: String!, $companyId: ID) { r: quarterlyEscalationReview(quarter: $quarter, companyId: $companyId) {
      quarter figures { ${FIGURES} }
      items { complaint { reference severity status category receivedAt } peakSeverity ageDays escalationStatus escalations specialReportSubmitted month branch { code name } } } }`,
    sheet: (d, p) => {
      const r = d.r;
      const figures = figuresSheet('', r.figures);
      return {
        title: `季度升级复盘 Quarterly escalation review ${p.quarter}`,
        columns: [
          col('编号', 'Reference', undefined, 22), col('分公司编码', 'Branch code'), col('分公司', 'Branch', undefined, 22), col('月份', 'Month'),
          col('最高严重程度', 'Peak severity'), col('当前严重程度', 'Current severity'), col('状态', 'Status'), col('类别', 'Category', undefined, 22),
          col('受理时间', 'Received at', 'yyyy-mm-dd hh:mm', 18), col('天数', 'Age (days)'), col('升级状态', 'Escalation status'), col('升级次数', 'Escalations'),
          col('专项报告', 'Special report'),
        ],
        rows: (r.items as any[]).map((i) => [
          i.complaint.reference, i.branch.code, i.branch.name, i.month, i.peakSeverity, i.complaint.severity, i.complaint.status, i.complaint.category,
          date(i.complaint.receivedAt), i.ageDays, i.escalationStatus, i.escalations, i.specialReportSubmitted ? '已提交 Submitted' : '未提交 Missing',
        ]),
        extra: [{ title: '季度指标 Quarter figures', columns: figures.columns, rows: figures.rows }, ...(figures.extra ?? [])],
      };
    },
  },
  specialist: {
    params: { period: true, companyId: false, branchId: false },
    query: `query($period: String!, $companyId: ID, $branchId: ID) { r: specialistScorecard(period: $period, companyId: $companyId, branchId: $branchId) {
      user { id name } received closed closureRate } }`,
    sheet: (d, p) => ({
      title: `专员关闭率 Specialist scorecard ${p.period}`,
      columns: [col('专员', 'Specialist', undefined, 24), col('受理数', 'Received'), col('已关闭', 'Closed'), col('投诉关闭率', 'Closure rate', PCT)],
      rows: (d.r as any[]).map((s) => [s.user.name, s.received, s.closed, s.closureRate]),
    }),
  },
  'stage-times': {
    params: { period: true, companyId: false, branchId: false },
    query: `query($period: String!, $companyId: ID, $branchId: ID) { r: stageTimes(period: $period, companyId: $companyId, branchId: $branchId) {
      kind completed averageMinutes p90Minutes onTimeRate } }`,
    sheet: (d, p) => ({
      title: `环节用时 Stage times ${p.period}`,
      columns: [col('时限类型', 'Deadline kind', undefined, 20), col('完成数', 'Completed'), col('平均分钟', 'Average minutes', '0.0'), col('90 百分位分钟', 'P90 minutes', '0.0'), col('及时率', 'On-time rate', PCT)],
      rows: (d.r as any[]).map((s) => [s.kind, s.completed, s.averageMinutes, s.p90Minutes, s.onTimeRate]),
    }),
  },
  overdue: {
    params: { companyId: false, branchId: false },
    query: `query($companyId: ID, $branchId: ID) { r: overdueComplaints(companyId: $companyId, branchId: $branchId, first: 200) {
      reference severity status category receivedAt branch { code name } assignee { name } deadlines { kind dueAt metAt breachedAt } } }`,
    sheet: (d) => ({
      title: '超期清单 Overdue complaints',
      columns: [
        col('编号', 'Reference', undefined, 22), col('分公司编码', 'Branch code'), col('分公司', 'Branch', undefined, 22), col('严重程度', 'Severity'), col('状态', 'Status'),
        col('类别', 'Category', undefined, 22), col('受理时间', 'Received at', 'yyyy-mm-dd hh:mm', 18), col('超期节点', 'Breached deadline', undefined, 18),
        col('截止时间', 'Due at', 'yyyy-mm-dd hh:mm', 18), col('负责人', 'Assignee', undefined, 18),
      ],
      rows: (d.r as any[]).map((c) => {
        const b = firstBreached(c.deadlines);
        return [c.reference, c.branch.code, c.branch.name, c.severity, c.status, c.category, date(c.receivedAt), b?.kind ?? '', date(b?.dueAt), c.assignee?.name ?? ''];
      }),
    }),
  },
};
