/**
 * The reports' definitions (domain.md §7 and issue 12's binding decisions), in Chinese and English:
 * the second sheet of every export, so a spreadsheet forwarded without the console still says what
 * each figure means.
 */
export interface Definition {
  key: string;
  zhTerm: string;
  enTerm: string;
  zh: string;
  en: string;
}

export const PERIOD_NOTE: Definition = {
  key: 'period',
  zhTerm: '统计期间', enTerm: 'Period',
  zh: '所有数据按期间 [起, 止) 统计，采用分公司所在时区；总部报表采用 Asia/Shanghai（范围内所有分公司时区相同时采用该时区）。',
  en: 'Every figure is for the period [from, to) in the branch\'s time zone; tenant-wide reports use Asia/Shanghai unless all branches in scope share another zone.',
};

export const DEFINITIONS: Definition[] = [
  PERIOD_NOTE,
  { key: 'received', zhTerm: '受理数', enTerm: 'Received', zh: '期间内受理的投诉（不含撤回、合并的投诉）。', en: 'Complaints received in the period (withdrawn and merged ones excluded).' },
  { key: 'valid', zhTerm: '有效投诉', enTerm: 'Valid', zh: '期间内受理且判定为有效的投诉。', en: 'Of those received, the ones determined VALID.' },
  { key: 'invalid', zhTerm: '无效投诉', enTerm: 'Invalid', zh: '期间内受理且判定为无效的投诉。', en: 'Of those received, the ones determined INVALID.' },
  { key: 'resolved', zhTerm: '已解决', enTerm: 'Resolved', zh: '期间内受理的有效投诉中，至期末已（首次）解决的投诉。', en: 'Of the valid complaints received in the period, those resolved (first resolution) by the end of the period.' },
  { key: 'closed', zhTerm: '已关闭', enTerm: 'Closed', zh: '期间内受理且至期末已关闭的投诉。', en: 'Complaints received in the period and closed by its end.' },
  { key: 'processingRate', zhTerm: '处理率', enTerm: 'Processing rate', zh: '已解决 ÷ 期间内受理的有效投诉（同批次）。', en: 'Resolved ÷ valid received in the period (cohort).' },
  { key: 'timelinessRate', zhTerm: '及时率', enTerm: 'Timeliness rate', zh: '期间内完成且在时限内完成的环节 ÷ 期间内完成的环节。', en: 'Stages completed in the period within their due time ÷ stages completed in the period.' },
  { key: 'callbackRate', zhTerm: '回访率', enTerm: 'Callback rate', zh: '期间内解决的有效投诉中（至期末）已回访的 ÷ 期间内解决的有效投诉。目标 100%。', en: 'Valid complaints resolved in the period that were called back (by the end of the period) ÷ valid complaints resolved in the period. Target 100 %.' },
  { key: 'satisfactionRate', zhTerm: '满意率', enTerm: 'Satisfaction rate', zh: '满意的回访 ÷ 回访，按期间内回访的投诉（以最后一次回访结论为准）。', en: 'Satisfied callbacks ÷ callbacks, over complaints called back in the period (last verdict).' },
  { key: 'reopenRate', zhTerm: '重开率', enTerm: 'Reopen rate', zh: '期间内解决后又被重新打开的投诉 ÷ 期间内解决的投诉。', en: 'Complaints resolved in the period that were reopened ÷ complaints resolved in the period.' },
  { key: 'closureRate', zhTerm: '投诉关闭率', enTerm: 'Closure rate', zh: '按专员：期间内受理并由其负责的投诉中已关闭的 ÷ 受理数。', en: 'Per specialist: closed ÷ received, over complaints received in the period with that specialist.' },
  { key: 'firstTimeFixRate', zhTerm: '一次修复率', enTerm: 'First-time-fix rate', zh: '期间内完成且未被重开的工单 ÷ 期间内完成的工单。', en: 'Work-order attempts completed in the period and not reopened ÷ attempts completed in the period.' },
  { key: 'stageTime', zhTerm: '环节用时', enTerm: 'Stage time', zh: '完成时间 − 开始时间（自然分钟），按时限类型计算平均值与第 90 百分位数。', en: 'Completed − started (calendar minutes) per deadline kind: average and 90th percentile.' },
  { key: 'overdue', zhTerm: '超期', enTerm: 'Overdue', zh: '未结投诉中有时限已超期且尚未完成的。', en: 'Open complaints with a deadline breached and not yet met.' },
  { key: 'ranking', zhTerm: '分公司排名', enTerm: 'Branch ranking', zh: '按满意率降序（其次处理率降序、分公司编码）；后三名仅在 4 个及以上分公司时标记；进步最快为满意率较上一等长期间提升最多的三个分公司。', en: 'By satisfaction rate, best first (then processing rate, then branch code); the bottom three are marked only with four or more branches; top improvers are the three with the largest satisfaction increase over the previous period of the same length.' },
  { key: 'escalationReview', zhTerm: '季度升级复盘', enTerm: 'Quarterly escalation review', zh: '本季度内首次成为热点或重大（或本季度受理且为热点/重大）的每一宗投诉，含升级记录、专项报告与天数。', en: 'Every complaint that first became HOT or MAJOR in the quarter (or was received in it as HOT or MAJOR), with its escalations, special report and age.' },
  { key: 'zeroRate', zhTerm: '无数据的比率', enTerm: 'A rate with nothing to count', zh: '分母为 0 时比率记为 0，同时列出计数以便区分。', en: 'Is 0; the counts are shown so a reader can tell.' },
];
