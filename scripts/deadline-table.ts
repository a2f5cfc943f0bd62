// Prints the README's deadline table from the presets and the deadline plan, so the two cannot drift.
import { DEADLINE_KINDS } from '../libs/domain/src/enums';
import { DEADLINE_PLAN } from '../libs/domain/src/deadlines/deadline-plan.util';
import { POLICY_PRESET_DOCUMENTS } from '../libs/domain/src/policy/policy.util';
import { POLICY_PRESETS } from '../libs/domain/src/policy/policy.types';
import type { DeadlineRule } from '../libs/domain/src/policy/policy.types';

const MOMENT_TEXT: Record<string, string> = {
  RECEIVED: 'intake', DISPATCHED: 'dispatch (and reopen)', ACKNOWLEDGED: 'acknowledgeComplaint', FOLLOW_UP: 'recordFollowUp',
  SECOND_FOLLOW_UP: 'the 2nd recordFollowUp since dispatch', CUSTOMER_INFORMED: 'recordFollowUp(customerInformed: true)',
  VALIDITY_DETERMINED: 'determineValidity', RESOLVED: 'resolveComplaint', CALLBACK: 'recordCallback',
  SPECIAL_REPORT: 'submitSpecialReport', CLOSED: 'closure (after analysis)',
};

function rule(r: DeadlineRule): string {
  const clock = r.businessTime ? 'business' : 'calendar';
  const special = r.rule === 'OFF_HOURS_AFTER_START' ? `; off-hours: ${r.offHoursAfter} after work starts`
    : r.rule === 'END_OF_DAY' ? '; end of the working day'
      : r.rule === 'SAME_DAY' ? '; same working day'
        : r.rule === 'CUSTOMER_DEADLINE_IF_EARLIER' ? "; or the customer's deadline if earlier" : '';
  return `${r.after} ${clock}${special}`;
}

/** The README's deadline table (markdown): kind → default per preset → what starts it, what meets it, what a breach does. */
export function deadlineTableMarkdown(): string {
  const rows = DEADLINE_KINDS.map((k) => {
  const p = DEADLINE_PLAN[k];
  const defaults = POLICY_PRESETS.map((name) => rule(POLICY_PRESET_DOCUMENTS[name].deadlines[k]));
  const starts = p.startsAt.map((m) => MOMENT_TEXT[m]).join(', ');
  const met = p.metBy.map((m) => MOMENT_TEXT[m]).join(' or ');
  const breach = `DEADLINE_BREACHED → ${p.onBreach.notify}${p.onBreach.task ? `, task ${p.onBreach.task}` : ''}`;
    return `| ${k} | ${p.meaning} | ${defaults.join(' | ')} | ${starts} | ${met} | ${breach} |`;
  });
  return [
    `| kind | obligation | ${POLICY_PRESETS.join(' | ')} | starts at | met by | on breach |`,
    `|---|---|${POLICY_PRESETS.map(() => '---').join('|')}|---|---|---|`,
    ...rows,
  ].join('\n');
}

if (require.main === module) console.log(deadlineTableMarkdown());
