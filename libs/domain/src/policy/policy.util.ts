import { DEADLINE_KINDS, SEVERITIES } from '../enums';
import type { DeadlineKind, Severity } from '../enums';
import {
  MAX_POLICY_DURATION_CHARS, MAX_SEVERITY_DURATION_DAYS, deadlineDurationProblem, hasFixedLength, isZeroDuration,
  parsePolicyDuration, policyDurationToMs,
} from './policy-duration.util';
import { POLICY_PRESETS } from './policy.types';
import { ESCALATION_LEVELS } from './policy.types';
import type { WorkOrderPolicy } from '../work-order/work-order.types';
import type {
  NotificationsPolicy,
  CallbackPolicy, DeadlineRule, EscalationPolicy, EscalationTriggerPolicy, Policy, PolicyIssue, PolicyOverrides, PolicyPresetName,
  ReportsPolicy, SeverityThresholds,
} from './policy.types';
import pmBranch from './presets/pm-branch.json';
import training from './presets/training.json';
import vankeSh from './presets/vanke-sh.json';

// The duration bounds, for callers that cite them (README, deadline engine).
export {
  BUSINESS_HOURS_PER_DAY_FOR_BOUNDS, MAX_BUSINESS_DEADLINE_DAYS, MAX_CALENDAR_DEADLINE_DAYS, MAX_POLICY_DURATION_CHARS,
  MAX_SEVERITY_DURATION_DAYS,
} from './policy-duration.util';

/** The JSON path of a problem with the overrides document as a whole. */
export const POLICY_ROOT_PATH = '$';

/**
 * The most keys (object keys and array items, at every depth) an overrides document may hold.
 * Overriding every field of every deadline kind, severity and callback takes 88; the cap stops
 * a document of millions of unknown keys (one issue each) before it is walked.
 */
export const MAX_POLICY_OVERRIDE_KEYS = 200;

/** The largest household or complaint count a severity threshold may name. */
export const MAX_SEVERITY_COUNT = 100_000;

/** The largest economic loss, in yuan, a severity threshold may name (one billion). */
export const MAX_SEVERITY_LOSS_YUAN = 1_000_000_000;

const DEADLINE_RULES = ['OFF_HOURS_AFTER_START', 'SAME_DAY', 'END_OF_DAY', 'CUSTOMER_DEADLINE_IF_EARLIER'] as const;
const CALLBACK_REQUIRED_FOR = ['ALL', 'VALID'] as const;
const OVERRIDABLE_SECTIONS = ['deadlines', 'severity', 'callback', 'escalation', 'workOrders', 'reports', 'notifications'] as const;
// Optional in a complete document: policies stored before escalations have none (nothing escalates);
// policies stored before work orders have none (the preset's applies, see workOrderPolicyOf); nor
// before the daily report (reportsPolicyOf).
const OPTIONAL_SECTIONS: readonly string[] = ['escalation', 'workOrders', 'reports', 'notifications'];
// Rules whose due time comes from the working day itself, so a zero `after` is meaningful.
const DAY_RULES: ReadonlyArray<DeadlineRule['rule']> = ['SAME_DAY', 'END_OF_DAY'];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The complete policy documents of the presets (frozen). The values come from the domain's §2 and
 * §4 tables; `presets/*.json` is the single source, and the README's table is derived from it.
 */
export const POLICY_PRESET_DOCUMENTS: Readonly<Record<PolicyPresetName, Policy>> = deepFreeze({
  'pm-branch': pmBranch as Policy,
  'vanke-sh': vankeSh as Policy,
  training: training as Policy,
});

/** True when `name` is one of the preset names (pm-branch, vanke-sh, training). */
export function isPolicyPreset(name: unknown): name is PolicyPresetName {
  return typeof name === 'string' && (POLICY_PRESETS as readonly string[]).includes(name);
}

function copyPolicy(p: Policy): Policy {
  const deadlines = {} as Record<DeadlineKind, DeadlineRule>;
  for (const kind of DEADLINE_KINDS) deadlines[kind] = { ...p.deadlines[kind] };
  const copy: Policy = { preset: p.preset, deadlines, severity: { ...p.severity }, callback: { ...p.callback } };
  if (p.escalation) copy.escalation = copyEscalation(p.escalation);
  if (p.workOrders) copy.workOrders = copyWorkOrders(p.workOrders);
  if (p.reports) copy.reports = { ...p.reports };
  if (p.notifications) copy.notifications = { ...p.notifications, urgentSeverities: [...p.notifications.urgentSeverities] };
  return copy;
}

function copyWorkOrders(w: WorkOrderPolicy): WorkOrderPolicy {
  return { ...w, repairOrderWithin: { ...w.repairOrderWithin }, completeWithin: { ...w.completeWithin } };
}

/**
 * The work-order section of a policy (a fresh copy): its own, or — for a policy stored before work
 * orders existed — its preset's (training's when even the preset name is unknown).
 */
export function workOrderPolicyOf(policy: Pick<Policy, 'preset' | 'workOrders'>): WorkOrderPolicy {
  if (policy.workOrders) return copyWorkOrders(policy.workOrders);
  const preset = isPolicyPreset(policy.preset) ? policy.preset : 'training';
  return copyWorkOrders(POLICY_PRESET_DOCUMENTS[preset].workOrders as WorkOrderPolicy);
}

/**
 * The reports section of a policy (a fresh copy): its own, or — for a policy stored before the daily
 * report existed — its preset's (training's when even the preset name is unknown).
 */
/** Messages to the customer unless the tenant says otherwise: quiet 21:00–08:00, MAJOR is urgent, delivered messages meet the reply deadlines. */
export const DEFAULT_NOTIFICATIONS: Readonly<NotificationsPolicy> = Object.freeze({
  quietStart: '21:00', quietEnd: '08:00', urgentSeverities: ['MAJOR'] as Severity[], messagesMeetDeadlines: true,
});

/** The notifications section of a policy (a fresh copy): its own, or the defaults. */
export function notificationsPolicyOf(policy: Pick<Policy, 'notifications'>): NotificationsPolicy {
  const n = policy.notifications ?? DEFAULT_NOTIFICATIONS;
  return { ...n, urgentSeverities: [...n.urgentSeverities] };
}

export function reportsPolicyOf(policy: Pick<Policy, 'preset' | 'reports'>): ReportsPolicy {
  if (policy.reports) return { ...policy.reports };
  const preset = isPolicyPreset(policy.preset) ? policy.preset : 'training';
  return { ...(POLICY_PRESET_DOCUMENTS[preset].reports as ReportsPolicy) };
}

function copyEscalation(e: EscalationPolicy): EscalationPolicy {
  const triggers: EscalationPolicy['triggers'] = {};
  for (const [name, t] of Object.entries(e.triggers)) {
    if (t) triggers[name] = { ...t, levels: t.levels.map((l) => ({ ...l })) };
  }
  return { triggers };
}

/** A fresh, mutable deep copy of a preset's complete policy. Throws a RangeError for an unknown name. */
export function presetPolicy(name: PolicyPresetName): Policy {
  if (!isPolicyPreset(name)) throw new RangeError(`unknown policy preset "${String(name)}"`);
  return copyPolicy(POLICY_PRESET_DOCUMENTS[name]);
}

// ---------------------------------------------------------------------------------------------
// Field checks: each returns the problem (to be read after the path) or null.

type Check = (value: unknown) => string | null;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const duration: Check = (v) => {
  if (parsePolicyDuration(v)) return null;
  if (typeof v === 'string' && v.length > MAX_POLICY_DURATION_CHARS) {
    return `is too long for a duration (at most ${MAX_POLICY_DURATION_CHARS} characters, e.g. P2D or PT4H)`;
  }
  return `is not an ISO-8601 duration such as PT30M, PT4H or P2D (got ${describe(v)})`;
};

// Used where the length is turned into milliseconds (severity windows): no years or months.
const fixedDuration: Check = (v) => {
  const parts = parsePolicyDuration(v);
  if (!parts) return duration(v);
  if (!hasFixedLength(parts)) return 'must be in weeks, days, hours, minutes or seconds (years and months have no fixed length; use e.g. P30D)';
  if (isZeroDuration(parts)) return 'must be longer than zero';
  if (policyDurationToMs(parts) > MAX_SEVERITY_DURATION_DAYS * 86_400_000) {
    return `is too long: at most P${MAX_SEVERITY_DURATION_DAYS}D (got ${describe(v)})`;
  }
  return null;
};

const bool: Check = (v) => (typeof v === 'boolean' ? null : `must be true or false (got ${describe(v)})`);

const positiveInteger: Check = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= MAX_SEVERITY_COUNT
    ? null
    : `must be a positive integer up to ${MAX_SEVERITY_COUNT} (got ${describe(v)})`;

const nonNegativeNumber: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_SEVERITY_LOSS_YUAN
    ? null
    : `must be a number of yuan from 0 to ${MAX_SEVERITY_LOSS_YUAN} (got ${describe(v)})`;

function oneOf(values: readonly string[]): Check {
  return (v) => (typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')} (got ${describe(v)})`);
}

function orNull(check: Check): Check {
  return (v) => (v === null ? null : check(v));
}

interface FieldSpec {
  /** Required in a complete policy document. */
  required: boolean;
  check: Check;
  /** An override may set it to null to remove it from the base. */
  removable?: boolean;
}

const DEADLINE_FIELDS: Record<keyof DeadlineRule, FieldSpec> = {
  after: { required: true, check: duration },
  businessTime: { required: true, check: bool },
  rule: { required: false, check: oneOf(DEADLINE_RULES), removable: true },
  offHoursAfter: { required: false, check: duration, removable: true },
  enabled: { required: false, check: bool },
};

const SEVERITY_FIELDS: Record<keyof SeverityThresholds, FieldSpec> = {
  collectiveHouseholdsMajor: { required: true, check: positiveInteger },
  collectiveHouseholdsHot: { required: true, check: orNull(positiveInteger) },
  lossYuanMajor: { required: true, check: orNull(nonNegativeNumber) },
  injuryMajor: { required: true, check: bool },
  mediaExposureMajor: { required: true, check: bool },
  litigationMajor: { required: true, check: bool },
  sameMatterComplaintsMajor: { required: true, check: orNull(positiveInteger) },
  sameMatterComplainantsHot: { required: true, check: orNull(positiveInteger) },
  sameMatterWindow: { required: true, check: fixedDuration },
  unresolvedHotAfter: { required: true, check: orNull(fixedDuration) },
  unresolvedMajorAfter: { required: true, check: orNull(fixedDuration) },
  reopenedImportant: { required: true, check: bool },
  facilityOutageMajorAfter: { required: false, check: orNull(fixedDuration) },
};

const CALLBACK_FIELDS: Record<keyof CallbackPolicy, FieldSpec> = {
  requiredFor: { required: true, check: oneOf(CALLBACK_REQUIRED_FOR) },
};

/** The most attempts (contractors' turns) a work order may take. */
export const MAX_WORK_ORDER_ATTEMPTS = 10;

const attempts: Check = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_WORK_ORDER_ATTEMPTS
    ? null
    : `must be a whole number of attempts from 1 to ${MAX_WORK_ORDER_ATTEMPTS} (got ${describe(v)})`;

// Calendar-time durations of the work-order section, bounded like a calendar-time deadline.
const calendarDuration: Check = (v) => {
  const parts = parsePolicyDuration(v);
  if (!parts) return duration(v);
  const problem = deadlineDurationProblem(parts, false);
  return problem ? `${problem} (got ${describe(v)})` : null;
};

const WORK_ORDER_FIELDS: Record<keyof WorkOrderPolicy, FieldSpec> = {
  // The two rules are checked field by field below (checkWorkOrders).
  repairOrderWithin: { required: true, check: () => null },
  visitGrace: { required: true, check: calendarDuration },
  completeWithin: { required: true, check: () => null },
  returnVisitAfter: { required: true, check: calendarDuration },
  autoReassign: { required: true, check: bool },
  maxAttempts: { required: true, check: attempts },
};
const WORK_ORDER_RULES = ['repairOrderWithin', 'completeWithin'] as const;

function checkWorkOrders(value: unknown, mode: Mode, issues: PolicyIssue[]): void {
  checkFields(value, 'workOrders', WORK_ORDER_FIELDS as Record<string, FieldSpec>, mode, issues);
  if (!isPlainObject(value)) return;
  for (const key of WORK_ORDER_RULES) {
    const rule = value[key];
    if (rule === undefined) continue;
    const path = `workOrders.${key}`;
    const before = issues.length;
    checkFields(rule, path, DEADLINE_FIELDS, mode, issues);
    // As a deadline kind's override: bounded here on the clock it names (calendar time when it names none),
    // and again on its real clock in the merged policy's coherence check.
    if (issues.length === before && isPlainObject(rule)) issues.push(...deadlineBoundIssues(rule, path, rule.businessTime === true));
  }
}

/** The longest a daily report may wait to be read before the reminder: the next report comes a day later. */
export const MAX_REPORT_READ_WITHIN_DAYS = 1;

// "HH:MM", 00:00 to 23:59, local time in the branch's zone.
const localTimeOfDay: Check = (v) =>
  typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v) ? null : `must be a local time "HH:MM" from 00:00 to 23:59 (got ${describe(v)})`;

// Calendar time, 1 second (tests) to a day.
const readWithinDuration: Check = (v) => {
  const parts = parsePolicyDuration(v);
  if (!parts) return duration(v);
  if (!hasFixedLength(parts)) return 'must be in days, hours, minutes or seconds (calendar time; years and months have no fixed length)';
  const ms = policyDurationToMs(parts);
  if (ms < 1_000) return 'must be at least 1 second';
  if (ms > MAX_REPORT_READ_WITHIN_DAYS * 86_400_000) return `is too long: at most P${MAX_REPORT_READ_WITHIN_DAYS}D, when the next report comes (got ${describe(v)})`;
  return null;
};

const REPORTS_FIELDS: Record<keyof ReportsPolicy, FieldSpec> = {
  dailyReportAt: { required: true, check: localTimeOfDay },
  readWithin: { required: true, check: readWithinDuration },
  enabled: { required: true, check: bool },
};

const severityList: Check = (v) => (Array.isArray(v) && v.length <= SEVERITIES.length && v.every((x) => (SEVERITIES as readonly unknown[]).includes(x))
  ? null : `must be a list of severities (${SEVERITIES.join(', ')}) (got ${describe(v)})`);

const NOTIFICATIONS_FIELDS: Record<keyof NotificationsPolicy, FieldSpec> = {
  quietStart: { required: true, check: localTimeOfDay },
  quietEnd: { required: true, check: localTimeOfDay },
  urgentSeverities: { required: true, check: severityList },
  messagesMeetDeadlines: { required: true, check: bool },
};

type Mode = 'override' | 'document';

function checkFields(
  value: unknown, path: string, fields: Record<string, FieldSpec>, mode: Mode, issues: PolicyIssue[],
): void {
  if (!isPlainObject(value)) {
    issues.push({ path, message: `must be an object (got ${describe(value)})` });
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const spec = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
    if (!spec) {
      issues.push({ path: `${path}.${key}`, message: `unknown key; expected one of ${Object.keys(fields).join(', ')}` });
      continue;
    }
    if (v === undefined) continue;
    if (v === null && spec.removable && mode === 'override') continue;
    const problem = spec.check(v);
    if (problem) issues.push({ path: `${path}.${key}`, message: problem });
  }
  if (mode === 'document') {
    for (const [key, spec] of Object.entries(fields)) {
      if (spec.required && value[key] === undefined) issues.push({ path: `${path}.${key}`, message: 'is required' });
    }
  }
}

function checkDeadlines(value: unknown, mode: Mode, issues: PolicyIssue[]): void {
  if (!isPlainObject(value)) {
    issues.push({ path: 'deadlines', message: `must be an object (got ${describe(value)})` });
    return;
  }
  for (const [kind, rule] of Object.entries(value)) {
    if (!(DEADLINE_KINDS as readonly string[]).includes(kind)) {
      issues.push({ path: `deadlines.${kind}`, message: `unknown deadline kind; expected one of ${DEADLINE_KINDS.join(', ')}` });
      continue;
    }
    const before = issues.length;
    checkFields(rule, `deadlines.${kind}`, DEADLINE_FIELDS, mode, issues);
    // Bounds need the clock; an override that does not name it is bounded here as calendar time
    // (the looser bound) and again, on its real clock, in the merged policy's coherence check.
    if (issues.length === before && isPlainObject(rule)) {
      issues.push(...deadlineBoundIssues(rule, `deadlines.${kind}`, rule.businessTime === true));
    }
  }
  if (mode === 'document') {
    for (const kind of DEADLINE_KINDS) {
      if (value[kind] === undefined) issues.push({ path: `deadlines.${kind}`, message: 'is required' });
    }
  }
}

/** True when `doc` holds more than `limit` keys and array items at every depth (stops counting past it). */
function exceedsKeyCount(doc: unknown, limit: number): boolean {
  let count = 0;
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    const children = Array.isArray(v) ? v : Object.values(v);
    count += children.length;
    if (count > limit) return true;
    stack.push(...children);
  }
  return false;
}

/** Issues of the duration bounds of one deadline rule on the given clock. */
function deadlineBoundIssues(rule: Record<string, unknown>, path: string, businessTime: boolean): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const key of ['after', 'offHoursAfter'] as const) {
    const parts = parsePolicyDuration(rule[key]);
    const problem = parts && deadlineDurationProblem(parts, businessTime);
    if (problem) issues.push({ path: `${path}.${key}`, message: `${problem} (got ${describe(rule[key])})` });
  }
  return issues;
}

// --- escalation -------------------------------------------------------------------------------

/** The longest acknowledgement timeout or repeat interval of an escalation (calendar time). */
export const MAX_ESCALATION_DURATION_DAYS = 31;
/** The shortest one: 1 second (tests run on seconds; a real policy uses minutes). */
const MIN_ESCALATION_DURATION_MS = 1_000;
/** Severity and emergency triggers; deadline breaches are `DEADLINE_BREACHED:<kind>`. */
export const ESCALATION_FIXED_TRIGGERS = ['HOT', 'MAJOR', 'EMERGENCY'] as const;
export const DEADLINE_BREACH_TRIGGER_PREFIX = 'DEADLINE_BREACHED:';

/** True when `name` is a trigger an escalation policy may list. */
export function isEscalationTrigger(name: string): boolean {
  if ((ESCALATION_FIXED_TRIGGERS as readonly string[]).includes(name)) return true;
  return name.startsWith(DEADLINE_BREACH_TRIGGER_PREFIX)
    && (DEADLINE_KINDS as readonly string[]).includes(name.slice(DEADLINE_BREACH_TRIGGER_PREFIX.length));
}

const escalationDuration: Check = (v) => {
  const parts = parsePolicyDuration(v);
  if (!parts) return duration(v);
  if (!hasFixedLength(parts)) return 'must be in weeks, days, hours, minutes or seconds (calendar time; years and months have no fixed length)';
  const ms = policyDurationToMs(parts);
  if (ms < MIN_ESCALATION_DURATION_MS) return 'must be at least 1 second';
  if (ms > MAX_ESCALATION_DURATION_DAYS * 86_400_000) return `is too long: at most P${MAX_ESCALATION_DURATION_DAYS}D (got ${describe(v)})`;
  return null;
};

const ESCALATION_TRIGGER_FIELDS: Record<keyof EscalationTriggerPolicy, FieldSpec> = {
  levels: { required: true, check: () => null },
  repeatLastEvery: { required: true, check: escalationDuration },
  progressReportEvery: { required: false, check: orNull(escalationDuration) },
};

function checkEscalationTrigger(rule: unknown, path: string, issues: PolicyIssue[]): void {
  // A trigger's rule is always stated whole (an override replaces the preset's rule for that trigger).
  checkFields(rule, path, ESCALATION_TRIGGER_FIELDS as Record<string, FieldSpec>, 'document', issues);
  if (!isPlainObject(rule) || rule.levels === undefined) return;
  const levels = rule.levels;
  if (!Array.isArray(levels) || levels.length === 0 || levels.length > ESCALATION_LEVELS.length) {
    issues.push({ path: `${path}.levels`, message: `must be a list of 1 to ${ESCALATION_LEVELS.length} levels (got ${describe(levels)})` });
    return;
  }
  let previous = -1;
  levels.forEach((step: unknown, i: number) => {
    const at = `${path}.levels.${i}`;
    const before = issues.length;
    checkFields(step, at, { level: { required: true, check: oneOf(ESCALATION_LEVELS) }, ackWithin: { required: true, check: escalationDuration } }, 'document', issues);
    if (!isPlainObject(step)) return;
    const rank = (ESCALATION_LEVELS as readonly string[]).indexOf(step.level as string);
    if (rank < 0 || issues.some((x, k) => k >= before && x.path === `${at}.level`)) return;
    if (rank <= previous) issues.push({ path: `${at}.level`, message: `must be above the previous level (order: ${ESCALATION_LEVELS.join(' → ')})` });
    previous = Math.max(previous, rank);
  });
}

function checkEscalation(value: unknown, mode: Mode, issues: PolicyIssue[]): void {
  if (!isPlainObject(value)) {
    issues.push({ path: 'escalation', message: `must be an object (got ${describe(value)})` });
    return;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'triggers') issues.push({ path: `escalation.${key}`, message: 'unknown key; expected triggers' });
  }
  const triggers = value.triggers;
  if (triggers === undefined) {
    if (mode === 'document') issues.push({ path: 'escalation.triggers', message: 'is required' });
    return;
  }
  if (!isPlainObject(triggers)) {
    issues.push({ path: 'escalation.triggers', message: `must be an object (got ${describe(triggers)})` });
    return;
  }
  for (const [name, rule] of Object.entries(triggers)) {
    const path = `escalation.triggers.${name}`;
    if (!isEscalationTrigger(name)) {
      issues.push({ path, message: `unknown trigger; expected one of ${ESCALATION_FIXED_TRIGGERS.join(', ')} or ${DEADLINE_BREACH_TRIGGER_PREFIX}<deadline kind>` });
      continue;
    }
    if (rule === null && mode === 'override') continue;
    checkEscalationTrigger(rule, path, issues);
  }
}

function checkShape(doc: unknown, mode: Mode): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  if (!isPlainObject(doc)) {
    return [{ path: POLICY_ROOT_PATH, message: `the policy ${mode === 'override' ? 'overrides' : 'document'} must be a JSON object (got ${describe(doc)})` }];
  }
  if (exceedsKeyCount(doc, MAX_POLICY_OVERRIDE_KEYS)) {
    return [{
      path: POLICY_ROOT_PATH,
      message: `the policy ${mode === 'override' ? 'overrides have' : 'document has'} more than ${MAX_POLICY_OVERRIDE_KEYS} keys; `
        + 'overriding every field of every deadline kind, severity and callback takes fewer than 100',
    }];
  }
  for (const [key, v] of Object.entries(doc)) {
    if (key === 'preset') {
      if (mode === 'override') {
        issues.push({ path: 'preset', message: 'cannot be overridden; the preset is chosen when the tenant is created' });
      } else if (!isPolicyPreset(v)) {
        issues.push({ path: 'preset', message: `must be one of ${POLICY_PRESETS.join(', ')} (got ${describe(v)})` });
      }
      continue;
    }
    if (!(OVERRIDABLE_SECTIONS as readonly string[]).includes(key)) {
      issues.push({ path: key, message: `unknown key; expected one of ${OVERRIDABLE_SECTIONS.join(', ')}` });
      continue;
    }
    if (v === undefined) continue;
    if (key === 'deadlines') checkDeadlines(v, mode, issues);
    else if (key === 'severity') checkFields(v, 'severity', SEVERITY_FIELDS, mode, issues);
    else if (key === 'escalation') checkEscalation(v, mode, issues);
    else if (key === 'workOrders') checkWorkOrders(v, mode, issues);
    else if (key === 'reports') checkFields(v, 'reports', REPORTS_FIELDS as Record<string, FieldSpec>, mode, issues);
    else if (key === 'notifications') checkFields(v, 'notifications', NOTIFICATIONS_FIELDS as Record<string, FieldSpec>, mode, issues);
    else checkFields(v, 'callback', CALLBACK_FIELDS, mode, issues);
  }
  if (mode === 'document') {
    for (const key of ['preset', ...OVERRIDABLE_SECTIONS]) {
      if (doc[key] === undefined && !OPTIONAL_SECTIONS.includes(key)) issues.push({ path: key, message: 'is required' });
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Coherence of a complete policy: rules that involve more than one field.

/**
 * Problems that span fields of a complete, well-typed policy: OFF_HOURS_AFTER_START without
 * `offHoursAfter` (or `offHoursAfter` without that rule), a zero `after` on a deadline that has no
 * end-of-day rule, a deadline duration beyond the bound of its clock (business time: at most
 * MAX_BUSINESS_DEADLINE_DAYS working days and no years, months or weeks; calendar time: at most
 * MAX_CALENDAR_DEADLINE_DAYS days), a HOT threshold that is not below its MAJOR counterpart.
 */
export function policyCoherenceIssues(policy: Policy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const rules: [DeadlineRule, string][] = DEADLINE_KINDS.map((kind) => [policy.deadlines[kind], `deadlines.${kind}`]);
  if (policy.workOrders) for (const key of WORK_ORDER_RULES) rules.push([policy.workOrders[key], `workOrders.${key}`]);
  for (const [rule, path] of rules) {
    if (rule.rule === 'OFF_HOURS_AFTER_START' && rule.offHoursAfter === undefined) {
      issues.push({ path: `${path}.offHoursAfter`, message: 'is required when rule is OFF_HOURS_AFTER_START' });
    }
    if (rule.rule !== 'OFF_HOURS_AFTER_START' && rule.offHoursAfter !== undefined) {
      issues.push({ path: `${path}.offHoursAfter`, message: 'is only used with rule OFF_HOURS_AFTER_START; set that rule or remove it (null)' });
    }
    const after = parsePolicyDuration(rule.after);
    if (after && isZeroDuration(after) && !DAY_RULES.includes(rule.rule) && rule.enabled !== false) {
      issues.push({ path: `${path}.after`, message: 'must be longer than zero unless rule is SAME_DAY or END_OF_DAY (use enabled: false to switch the deadline off)' });
    }
    issues.push(...deadlineBoundIssues(rule as unknown as Record<string, unknown>, path, rule.businessTime));
  }
  const s = policy.severity;
  if (s.collectiveHouseholdsHot !== null && s.collectiveHouseholdsHot >= s.collectiveHouseholdsMajor) {
    issues.push({
      path: 'severity.collectiveHouseholdsHot',
      message: `must be less than severity.collectiveHouseholdsMajor (${s.collectiveHouseholdsMajor}), or null`,
    });
  }
  if (s.unresolvedHotAfter !== null && s.unresolvedMajorAfter !== null) {
    const hot = parsePolicyDuration(s.unresolvedHotAfter);
    const major = parsePolicyDuration(s.unresolvedMajorAfter);
    if (hot && major && policyDurationToMs(hot) >= policyDurationToMs(major)) {
      issues.push({ path: 'severity.unresolvedHotAfter', message: 'must be shorter than severity.unresolvedMajorAfter, or null' });
    }
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Public validation, merge and resolution.

/**
 * Validates a tenant's policy overrides (the JSON of `setPolicy`): a partial policy with any
 * subset of deadline kinds and their fields, severity fields and callback fields. Every unknown
 * key and every invalid value gives one issue located by its JSON path, e.g.
 * `deadlines.CALLBAK` (unknown key) or `deadlines.CALLBACK.after` (not an ISO-8601 duration);
 * `preset` may not be overridden; a non-object document gives one issue at `$`.
 * With `base`, the merged result is also checked for coherence (policyCoherenceIssues).
 * An empty array means valid.
 */
export function validatePolicyOverrides(overrides: unknown, base?: Policy): PolicyIssue[] {
  const issues = checkShape(overrides, 'override');
  if (issues.length > 0 || base === undefined) return issues;
  return policyCoherenceIssues(mergePolicy(base, overrides as PolicyOverrides));
}

/**
 * Validates a complete policy document (a preset, or a stored merged policy): every section,
 * every deadline kind and every required field present and valid, and the whole coherent.
 */
export function validatePolicy(doc: unknown): PolicyIssue[] {
  const issues = checkShape(doc, 'document');
  if (issues.length > 0) return issues;
  return policyCoherenceIssues(doc as Policy);
}

function mergeDeadline(base: DeadlineRule, override: unknown): DeadlineRule {
  const merged: DeadlineRule = { ...base };
  if (!isPlainObject(override)) return merged;
  for (const key of Object.keys(DEADLINE_FIELDS) as Array<keyof DeadlineRule>) {
    const v = override[key];
    if (v === undefined) continue;
    const target = merged as unknown as Record<string, unknown>;
    // null removes an optional field; validation rejects null on the required ones.
    if (v === null) {
      if (DEADLINE_FIELDS[key].removable) delete target[key];
    } else {
      target[key] = v;
    }
  }
  return merged;
}

/**
 * The policy `base` with `overrides` deep-merged over it (overrides win; a deadline kind's
 * override may be partial, e.g. only `{ after }`; null removes an optional deadline field such
 * as `rule`). Neither argument is modified. Only known keys are read and `preset` is kept from
 * `base`: validate the overrides first (validatePolicyOverrides), this function does not.
 */
export function mergePolicy(base: Policy, overrides: PolicyOverrides): Policy {
  const merged = copyPolicy(base);
  // Read defensively: the overrides may come straight from stored JSON.
  const section = (key: keyof PolicyOverrides): Record<string, unknown> => {
    const v: unknown = isPlainObject(overrides) ? overrides[key] : undefined;
    return isPlainObject(v) ? v : {};
  };
  const deadlines = section('deadlines');
  for (const kind of DEADLINE_KINDS) merged.deadlines[kind] = mergeDeadline(base.deadlines[kind], deadlines[kind]);
  const severity = section('severity');
  for (const key of Object.keys(SEVERITY_FIELDS)) {
    if (severity[key] !== undefined) (merged.severity as unknown as Record<string, unknown>)[key] = severity[key];
  }
  const callback = section('callback');
  if (callback.requiredFor !== undefined) merged.callback.requiredFor = callback.requiredFor as CallbackPolicy['requiredFor'];
  const escalation = section('escalation');
  if (isPlainObject(escalation.triggers)) {
    // A trigger named in the override replaces the preset's rule whole; null removes it.
    const triggers = { ...(merged.escalation?.triggers ?? {}) };
    for (const [name, rule] of Object.entries(escalation.triggers)) {
      if (rule === null) delete triggers[name];
      else if (isPlainObject(rule)) triggers[name] = rule as unknown as EscalationTriggerPolicy;
    }
    merged.escalation = copyEscalation({ triggers });
  }
  const workOrders = section('workOrders');
  if (Object.keys(workOrders).length > 0) {
    // A policy stored before work orders starts from its preset's section.
    const w = workOrderPolicyOf(base);
    for (const key of Object.keys(WORK_ORDER_FIELDS) as Array<keyof WorkOrderPolicy>) {
      const v = workOrders[key];
      if (v === undefined) continue;
      if (key === 'repairOrderWithin' || key === 'completeWithin') w[key] = mergeDeadline(w[key], v);
      else (w as unknown as Record<string, unknown>)[key] = v;
    }
    merged.workOrders = w;
  }
  const reports = section('reports');
  if (Object.keys(reports).length > 0) {
    // A policy stored before the daily report starts from its preset's section.
    merged.reports = overlay(reportsPolicyOf(base), reports, REPORTS_FIELDS);
  }
  const notifications = section('notifications');
  if (Object.keys(notifications).length > 0) merged.notifications = overlay(notificationsPolicyOf(base), notifications, NOTIFICATIONS_FIELDS);
  return merged;
}

/** `target` with every field of the spec that `patch` sets replaced by the patch's value. */
function overlay<T extends object>(target: T, patch: Record<string, unknown>, fields: Record<keyof T, FieldSpec>): T {
  for (const key of Object.keys(fields)) if (patch[key] !== undefined) (target as Record<string, unknown>)[key] = patch[key];
  return target;
}

/** The outcome of resolvePolicy. */
export interface ResolvedPolicy {
  /** The merged policy when `issues` is empty; otherwise the untouched preset (never an invalid policy). */
  policy: Policy;
  issues: PolicyIssue[];
}

/**
 * A tenant's effective policy: the preset with the overrides merged over it, after validating
 * the overrides and the coherence of the result. `overrides` undefined means none. When there
 * are issues the overrides are not applied and `policy` is a copy of the preset.
 */
export function resolvePolicy(preset: PolicyPresetName, overrides?: unknown): ResolvedPolicy {
  const base = presetPolicy(preset);
  if (overrides === undefined) return { policy: base, issues: [] };
  const shapeIssues = checkShape(overrides, 'override');
  if (shapeIssues.length > 0) return { policy: base, issues: shapeIssues };
  const merged = mergePolicy(base, overrides as PolicyOverrides);
  const issues = policyCoherenceIssues(merged);
  return issues.length > 0 ? { policy: base, issues } : { policy: merged, issues: [] };
}
