import type { Category, Severity } from '../enums';
import type { ComplaintState, IntakeFacts } from '../lifecycle/complaint.types';
import type { SeverityThresholds } from '../policy/policy.types';
import {
  ComplaintFacts, FACT_KEYS, FactsPatch, MAX_FIRED_RULES, TimedRuleSubject, isUpgrade, matterRuleKey, outageOverran, pendingTimedRules,
  severityOfFacts,
} from './severity-rules.util';

// The severity half of a complaint's lifecycle: what each fact change, timer, matter rule and
// reclassification does to a complaint's state, and the timeline events that say so. Called by the
// lifecycle reducer on its private copy of the state (these functions change that copy in place and
// return the events for the reducer to number). Every change is a SEVERITY_CHANGED naming the rule
// or the person; a rule only ever raises the level.

/** An event for the reducer to emit (it adds seq, time and the retry key). */
export interface SeverityEventSpec {
  type: string;
  actor: string | null;
  data: Record<string, unknown>;
}

/** What a severity step produced: its events, and whether the complaint became HOT or MAJOR by it. */
export interface SeverityStep {
  events: SeverityEventSpec[];
  raisedToHotOrMajor: boolean;
}

/** A refusal of a severity action, for the reducer to turn into its own refusal. */
export interface SeverityRefusal {
  refusal: 'FACILITY_NOT_DOWN' | 'INVALID_RESTORATION' | 'NOTHING_TO_CHANGE';
  message: string;
}

const hotOrMajor = (s: Severity): boolean => s === 'HOT' || s === 'MAJOR';

/** The facts as intake recorded them. */
export function factsOfIntake(intake: Pick<IntakeFacts, keyof ComplaintFacts>): ComplaintFacts {
  return {
    householdsAffected: intake.householdsAffected,
    lossAmountYuan: intake.lossAmountYuan ?? null,
    injury: intake.injury,
    mediaExposure: intake.mediaExposure,
    litigation: intake.litigation,
    emergency: intake.emergency,
  };
}

/** The complaint's current facts (a state from before the rules existed: intake's). */
export function currentFacts(s: ComplaintState, intake: IntakeFacts | undefined): ComplaintFacts | null {
  if (s.facts) return s.facts;
  return intake ? factsOfIntake(intake) : null;
}

/** What the time-based rules read, or null when the complaint's reception time is unknown. */
export function timedSubject(s: ComplaintState, intake: IntakeFacts | undefined): TimedRuleSubject | null {
  const receivedAt = s.receivedAt ?? intake?.receivedAt;
  if (receivedAt === undefined) return null;
  return {
    status: s.status, responsibility: s.responsibility, receivedAt, facilityOutage: s.facilityOutage ?? null, firedRules: s.firedRules ?? [], calendar: s.calendar,
  };
}

/** When the complaint's next time-based severity rule falls due (null: none pending). */
export function nextSeverityRuleAt(s: ComplaintState, t: SeverityThresholds, intake?: IntakeFacts): number | null {
  const subject = timedSubject(s, intake);
  if (!subject) return null;
  const due = pendingTimedRules(subject, t);
  return due.length > 0 ? due[0].dueAt : null;
}

function fired(s: ComplaintState, key: string): void {
  const rules = [...(s.firedRules ?? []), key];
  s.firedRules = rules.length > MAX_FIRED_RULES ? rules.slice(rules.length - MAX_FIRED_RULES) : rules;
}

/** Raises the level by a rule (never lowers it): the SEVERITY_CHANGED event, or nothing when it is not higher. */
function raise(s: ComplaintState, to: Severity, rule: string, data: Record<string, unknown> = {}): SeverityStep {
  if (!isUpgrade(s.severity, to)) return { events: [], raisedToHotOrMajor: false };
  const from = s.severity;
  s.severity = to;
  return {
    events: [{ type: 'SEVERITY_CHANGED', actor: 'system', data: { from, to, rule, ...data } }],
    raisedToHotOrMajor: !hotOrMajor(from) && hotOrMajor(to),
  };
}

function merge(steps: SeverityStep[]): SeverityStep {
  return { events: steps.flatMap((x) => x.events), raisedToHotOrMajor: steps.some((x) => x.raisedToHotOrMajor) };
}

/**
 * Staff correct some facts (households, loss, injury, media, litigation, emergency): FACTS_UPDATED with
 * what changed and why, then the level the facts now call for when it is higher (rule: the reason codes).
 */
export function applyFactsUpdate(
  s: ComplaintState, patch: FactsPatch, reason: string, actorId: string, t: SeverityThresholds, intake: IntakeFacts | undefined,
): SeverityStep | SeverityRefusal {
  const before = currentFacts(s, intake);
  if (!before) return { refusal: 'NOTHING_TO_CHANGE', message: 'the complaint has no recorded facts to update' };
  const after: ComplaintFacts = { ...before };
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of FACT_KEYS) {
    const v = patch[key];
    if (v === undefined || v === before[key]) continue;
    (after as unknown as Record<string, unknown>)[key] = v;
    changed[key] = { from: before[key], to: v };
  }
  if (Object.keys(changed).length === 0) return { refusal: 'NOTHING_TO_CHANGE', message: 'the facts given are the ones already recorded' };
  s.facts = after;
  const events: SeverityEventSpec[] = [{ type: 'FACTS_UPDATED', actor: actorId, data: { changed, reason } }];
  const { severity, reasons } = severityOfFacts(after, t);
  const r = raise(s, severity, reasons.join(','), { reasons, reason });
  return { events: [...events, ...r.events], raisedToHotOrMajor: r.raisedToHotOrMajor };
}

/** Staff set the category and/or the level explicitly, with a reason (a lower level too: never silently). */
export function applyReclassify(
  s: ComplaintState, category: Category | null, severity: Severity | null, reason: string, actorId: string,
): SeverityStep | SeverityRefusal {
  const events: SeverityEventSpec[] = [];
  let raisedToHotOrMajor = false;
  if (category !== null && category !== s.category) {
    events.push({ type: 'CATEGORY_CHANGED', actor: actorId, data: { from: s.category, to: category, reason } });
    s.category = category;
  }
  if (severity !== null && severity !== s.severity) {
    events.push({ type: 'SEVERITY_CHANGED', actor: actorId, data: { from: s.severity, to: severity, rule: null, reason, by: 'STAFF' } });
    raisedToHotOrMajor = !hotOrMajor(s.severity) && hotOrMajor(severity);
    s.severity = severity;
  }
  if (events.length === 0) return { refusal: 'NOTHING_TO_CHANGE', message: 'the complaint already has this category and severity' };
  return { events, raisedToHotOrMajor };
}

/**
 * The facility is working again: FACILITY_RESTORED; the outage's timer stops. Restored later than the
 * policy's window (and the timer had not fired yet) → the rule fires now.
 */
export function applyFacilityRestored(
  s: ComplaintState, restoredAt: number, actorId: string, t: SeverityThresholds, now: number,
): SeverityStep | SeverityRefusal {
  const o = s.facilityOutage;
  if (!o || o.restoredAt !== null) {
    return { refusal: 'FACILITY_NOT_DOWN', message: o ? 'the facility outage has already been recorded as restored' : 'this complaint records no facility outage' };
  }
  if (restoredAt < o.since) {
    return { refusal: 'INVALID_RESTORATION', message: `restoredAt must not be before the outage began (${new Date(o.since).toISOString()})` };
  }
  if (restoredAt > now + 120_000) return { refusal: 'INVALID_RESTORATION', message: 'restoredAt must not be in the future' };
  s.facilityOutage = { ...o, restoredAt };
  const events: SeverityEventSpec[] = [{
    type: 'FACILITY_RESTORED', actor: actorId, data: { kind: o.kind, since: new Date(o.since).toISOString(), restoredAt: new Date(restoredAt).toISOString() },
  }];
  if ((s.firedRules ?? []).includes('facilityOutage') || !outageOverran(o, restoredAt, t, s.calendar)) return { events, raisedToHotOrMajor: false };
  fired(s, 'facilityOutage');
  const r = raise(s, 'MAJOR', 'facilityOutage', { kind: o.kind, since: new Date(o.since).toISOString(), window: t.facilityOutageMajorAfter });
  return { events: [...events, ...r.events], raisedToHotOrMajor: r.raisedToHotOrMajor };
}

/** True when some time-based rule is due at `now` (the reducer asks for its patch decision only then). */
export function timedRulesDue(s: ComplaintState, t: SeverityThresholds, now: number, intake: IntakeFacts | undefined): boolean {
  const subject = timedSubject(s, intake);
  return subject !== null && pendingTimedRules(subject, t).some((d) => d.dueAt <= now);
}

/** The timer fired: every time-based rule due by `now` fires once (each a SEVERITY_CHANGED when it raises the level). */
export function applyTimedRules(s: ComplaintState, t: SeverityThresholds, now: number, intake: IntakeFacts | undefined): SeverityStep {
  const subject = timedSubject(s, intake);
  if (!subject) return { events: [], raisedToHotOrMajor: false };
  const steps: SeverityStep[] = [];
  for (const d of pendingTimedRules(subject, t)) {
    if (d.dueAt > now) continue;
    fired(s, d.rule);
    const window = d.rule === 'facilityOutage' ? t.facilityOutageMajorAfter : t[d.rule];
    steps.push(raise(s, d.severity, d.rule, { dueAt: new Date(d.dueAt).toISOString(), window }));
  }
  return merge(steps);
}

/** A reopened complaint under a policy with `reopenedImportant` becomes at least IMPORTANT. */
export function reopenedRuleApplies(s: ComplaintState, t: SeverityThresholds): boolean {
  return t.reopenedImportant && isUpgrade(s.severity, 'IMPORTANT');
}

export function applyReopened(s: ComplaintState, t: SeverityThresholds): SeverityStep {
  if (!reopenedRuleApplies(s, t)) return { events: [], raisedToHotOrMajor: false };
  return raise(s, 'IMPORTANT', 'reopenedImportant', { round: s.round });
}

/**
 * A matter's rule fired (its workflow signalled): recorded once per (matter, rule); raises the level
 * when higher (rule "matter:<rule>"), never lowers it.
 */
export function applyMatterRule(
  s: ComplaintState, severity: Severity, rule: string, matterId: string | null, firedAt: number,
): SeverityStep {
  const key = matterRuleKey(matterId, rule);
  if ((s.firedRules ?? []).includes(key)) return { events: [], raisedToHotOrMajor: false };
  fired(s, key);
  return raise(s, severity, `matter:${rule}`, { matterId, firedAt: new Date(firedAt).toISOString() });
}
