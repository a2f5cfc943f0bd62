// Chinese by default, English on request; the choice is kept in localStorage.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

const LANGUAGE_KEY = 'console.language';

const zh = {
  app: { title: '投诉管理 · 总部控制台', signOut: '退出', language: 'English', signedInAs: '当前用户' },
  nav: { review: '季度升级复盘', monthly: '月度指标', ranking: '分公司排名', overdue: '超期清单', queue: '我的待办' },
  signIn: {
    title: '登录', tokenLabel: '访问令牌（开发环境）', tokenHint: '粘贴 npm start 打印的令牌', submit: '登录', organisation: '使用集团账号登录',
    invalid: '令牌无效或已过期', or: '或',
  },
  common: {
    loading: '加载中…', error: '出错了', download: '下载 Excel', none: '无', company: '公司', branch: '分公司', allCompanies: '全部公司',
    allBranches: '全部分处', month: '月份', quarter: '季度', period: '期间', back: '返回', open: '打开',
  },
  review: {
    title: '季度升级复盘', reference: '编号', severity: '严重程度', peakSeverity: '最高严重程度', ageDays: '天数', escalationStatus: '升级状态',
    escalations: '升级次数', specialReport: '专项报告', submitted: '已提交', missing: '未提交', byBranch: '按分公司', byMonth: '按月份', complaints: '投诉数', empty: '本季度没有热点或重大投诉',
  },
  figures: {
    received: '受理', valid: '有效', invalid: '无效', resolved: '已解决', closed: '已关闭', processingRate: '处理率', timelinessRate: '及时率',
    callbackRate: '回访率', satisfactionRate: '满意率', reopenRate: '重开率', firstTimeFixRate: '一次修复率', overdueOpen: '超期未结',
  },
  monthly: { title: '月度指标', trend: '近六个月趋势', byBranch: '各分公司' },
  ranking: { title: '分公司满意度排名', rank: '名次', bottomThree: '后三名', topImprover: '进步最快', change: '满意率变化' },
  overdue: { title: '超期清单', deadline: '超期节点', dueAt: '截止时间', empty: '没有超期投诉' },
  queue: { title: '我的待办', overdue: '本分公司超期投诉', empty: '没有待办投诉' },
  complaint: {
    title: '投诉详情', status: '状态', receivedAt: '受理时间', timeline: '处理时间线', deadlines: '时限', escalations: '升级记录', description: '内容',
    kind: '时限类型', dueAt: '截止', metAt: '完成', breachedAt: '超期', level: '级别', reason: '原因', raisedAt: '发起', acknowledgedAt: '确认',
    specialReport: '专项报告', whatHappened: '经过', rootCause: '根本原因', preventiveMeasures: '预防措施', event: '事件', actor: '操作人', at: '时间',
  },
  escalationStatus: { NONE: '无升级', OPEN: '待确认', ACKNOWLEDGED: '已确认' },
  severity: { GENERAL: '一般', IMPORTANT: '重要', HOT: '热点', MAJOR: '重大' },
};

type Messages = typeof zh;

const en: Messages = {
  app: { title: 'Complaints · Head-office console', signOut: 'Sign out', language: '中文', signedInAs: 'Signed in as' },
  nav: { review: 'Quarterly escalation review', monthly: 'Monthly rates', ranking: 'Branch ranking', overdue: 'Overdue', queue: 'My queue' },
  signIn: {
    title: 'Sign in', tokenLabel: 'Access token (development)', tokenHint: 'Paste the token npm start printed', submit: 'Sign in',
    organisation: 'Sign in with your organisation', invalid: 'The token is invalid or has expired', or: 'or',
  },
  common: {
    loading: 'Loading…', error: 'Something went wrong', download: 'Download xlsx', none: 'None', company: 'Company', branch: 'Branch',
    allCompanies: 'All companies', allBranches: 'All branches', month: 'Month', quarter: 'Quarter', period: 'Period', back: 'Back', open: 'Open',
  },
  review: {
    title: 'Quarterly escalation review', reference: 'Reference', severity: 'Severity', peakSeverity: 'Peak severity', ageDays: 'Age (days)',
    escalationStatus: 'Escalation status', escalations: 'Escalations', specialReport: 'Special report', submitted: 'Submitted', missing: 'Missing',
    byBranch: 'By branch', byMonth: 'By month', complaints: 'Complaints', empty: 'No hot or major complaints this quarter',
  },
  figures: {
    received: 'Received', valid: 'Valid', invalid: 'Invalid', resolved: 'Resolved', closed: 'Closed', processingRate: 'Processing rate',
    timelinessRate: 'Timeliness rate', callbackRate: 'Callback rate', satisfactionRate: 'Satisfaction rate', reopenRate: 'Reopen rate',
    firstTimeFixRate: 'First-time-fix rate', overdueOpen: 'Open and overdue',
  },
  monthly: { title: 'Monthly rates', trend: 'Last six months', byBranch: 'By branch' },
  ranking: { title: 'Branch satisfaction ranking', rank: 'Rank', bottomThree: 'Bottom three', topImprover: 'Top improver', change: 'Satisfaction change' },
  overdue: { title: 'Overdue complaints', deadline: 'Breached deadline', dueAt: 'Due', empty: 'No overdue complaints' },
  queue: { title: 'My queue', overdue: 'Overdue in my branch', empty: 'Nothing in your queue' },
  complaint: {
    title: 'Complaint', status: 'Status', receivedAt: 'Received', timeline: 'Timeline', deadlines: 'Deadlines', escalations: 'Escalations',
    description: 'Description', kind: 'Kind', dueAt: 'Due', metAt: 'Met', breachedAt: 'Breached', level: 'Level', reason: 'Reason', raisedAt: 'Raised',
    acknowledgedAt: 'Acknowledged', specialReport: 'Special report', whatHappened: 'What happened', rootCause: 'Root cause',
    preventiveMeasures: 'Preventive measures', event: 'Event', actor: 'Actor', at: 'At',
  },
  escalationStatus: { NONE: 'None', OPEN: 'Open', ACKNOWLEDGED: 'Acknowledged' },
  severity: { GENERAL: 'General', IMPORTANT: 'Important', HOT: 'Hot', MAJOR: 'Major' },
};

function storedLanguage(): 'zh' | 'en' {
  try {
    return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

void i18next.use(initReactI18next).init({
  resources: { zh: { translation: zh }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'zh',
  interpolation: { escapeValue: false },
});
document.documentElement.lang = storedLanguage() === 'en' ? 'en' : 'zh-CN';

export function switchLanguage(): void {
  const next = i18next.language === 'en' ? 'zh' : 'en';
  try {
    localStorage.setItem(LANGUAGE_KEY, next);
  } catch {
    // private mode: the switch lasts for this page only
  }
  document.documentElement.lang = next === 'en' ? 'en' : 'zh-CN';
  void i18next.changeLanguage(next);
}

export default i18next;
