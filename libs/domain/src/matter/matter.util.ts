import type { Severity } from '../enums';
import type { SeverityThresholds } from '../policy/policy.types';
import { parsePolicyDuration, policyDurationToMs } from '../policy/policy-duration.util';
import { classifySeverity, severityRank } from '../severity/severity.util';

/** One complaint of a matter as the counting rules see it. */
export interface MatterMember {
  complaintId: string;
  /** Who complained: phone, else name and unit (see {@link complainantKey}). */
  complainantKey: string;
  /** Which household: unit, else location (see {@link householdKey}); null when neither is known. */
  householdKey: string | null;
  /** Households the complaint itself says are affected (a collective complaint has several). */
  householdsAffected: number;
  /** When the complaint was received (epoch ms). */
  receivedAt: number;
}

/** The counts of a matter within its window. */
export interface MatterCounts {
  complaints: number;
  distinctComplainants: number;
  distinctHouseholds: number;
  /** The most households one complaint of the matter says are affected. */
  maxHouseholdsAffected: number;
}

/** A rule of the policy that fired on the matter. */
export interface MatterFiring {
  severity: Severity;
  rule: string;
}

/** At most this many members are kept for counting (the newest); thresholds stop at far fewer in practice. */
export const MATTER_MEMBERS_BOUND = 5000;

/** Lower case, no white space, full-width digits and letters folded (NFKC): "3 - 101" = "3-101" = "３－１０１". */
export function normaliseMatterText(s: string | null | undefined): string | null {
  if (!s) return null;
  const n = s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  return n === '' ? null : n;
}

/** The complainant: the phone number's digits; else the name with the unit. */
export function complainantKey(c: { name: string; phone: string | null; unit: string | null }): string {
  const digits = (c.phone ?? '').replace(/\D/g, '');
  if (digits) return `phone:${digits}`;
  return `name:${normaliseMatterText(c.name) ?? ''}|${normaliseMatterText(c.unit) ?? ''}`;
}

/** The household: the unit; else the place. Null when neither is known (counts as no household). */
export function householdKey(c: { unit: string | null; location: string | null }): string | null {
  const unit = normaliseMatterText(c.unit);
  if (unit) return `unit:${unit}`;
  const place = normaliseMatterText(c.location);
  return place ? `place:${place}` : null;
}

/** The building of a unit written "building-room" ("3-101" → "3"), or null. */
export function buildingOf(unit: string | null | undefined): string | null {
  const n = normaliseMatterText(unit);
  if (!n) return null;
  const i = n.indexOf('-');
  return i > 0 ? n.slice(0, i) : null;
}

/** The policy's same-matter window in milliseconds (24-hour days); an unreadable one counts as 30 days. */
export function matterWindowMs(thresholds: Pick<SeverityThresholds, 'sameMatterWindow'>): number {
  const parts = parsePolicyDuration(thresholds.sameMatterWindow);
  return parts ? policyDurationToMs(parts) : 30 * 24 * 3600 * 1000;
}

/**
 * The members after adding `incoming`: one entry per complaint (a repeated complaint replaces its
 * entry), oldest first, those received more than `windowMs` before the newest dropped, and at most
 * {@link MATTER_MEMBERS_BOUND} kept. Bounded whatever the matter's size.
 */
export function addMembers(members: readonly MatterMember[], incoming: readonly MatterMember[], windowMs: number): MatterMember[] {
  const byId = new Map<string, MatterMember>();
  for (const m of members) byId.set(m.complaintId, m);
  for (const m of incoming) byId.set(m.complaintId, m);
  const all = [...byId.values()].sort((a, b) => a.receivedAt - b.receivedAt || (a.complaintId < b.complaintId ? -1 : 1));
  if (all.length === 0) return all;
  const newest = all[all.length - 1].receivedAt;
  const inWindow = all.filter((m) => m.receivedAt >= newest - windowMs);
  return inWindow.slice(Math.max(0, inWindow.length - MATTER_MEMBERS_BOUND));
}

/**
 * What the rules count: complaints, distinct complainants and distinct households among members
 * received within `windowMs` of the newest. The same complainant complaining again counts as
 * another complaint (001: "≥ 3 complaints in total"), not as another complainant.
 */
export function countMatter(members: readonly MatterMember[], windowMs: number): MatterCounts {
  if (members.length === 0) return { complaints: 0, distinctComplainants: 0, distinctHouseholds: 0, maxHouseholdsAffected: 0 };
  const newest = Math.max(...members.map((m) => m.receivedAt));
  const inWindow = members.filter((m) => m.receivedAt >= newest - windowMs);
  const households = new Set(inWindow.map((m) => m.householdKey).filter((k): k is string => k !== null));
  return {
    complaints: inWindow.length,
    distinctComplainants: new Set(inWindow.map((m) => m.complainantKey)).size,
    distinctHouseholds: households.size,
    maxHouseholdsAffected: Math.max(0, ...inWindow.map((m) => m.householdsAffected)),
  };
}

/**
 * The level the policy's same-matter and collective rules give the matter, or null when none fires:
 * households (distinct households, or one complaint's own count if larger) against
 * `collectiveHouseholdsMajor`/`Hot`, complaints against `sameMatterComplaintsMajor`, distinct
 * complainants against `sameMatterComplainantsHot`. `rule` names the first rule of that level.
 */
export function matterSeverity(counts: MatterCounts, thresholds: SeverityThresholds): MatterFiring | null {
  const c = classifySeverity({
    householdsAffected: Math.max(counts.distinctHouseholds, counts.maxHouseholdsAffected),
    sameMatterComplaints: counts.complaints,
    sameMatterComplainants: counts.distinctComplainants,
  }, thresholds);
  if (c.severity === 'GENERAL' || c.reasons.length === 0) return null;
  return { severity: c.severity, rule: c.reasons[0] };
}

/** The firing to carry out now: the matter's level when it is above what already fired, else null (severity never goes down). */
export function nextFiring(fired: MatterFiring | null, now: MatterFiring | null): MatterFiring | null {
  if (!now) return null;
  if (fired && severityRank(fired.severity) >= severityRank(now.severity)) return null;
  return now;
}
