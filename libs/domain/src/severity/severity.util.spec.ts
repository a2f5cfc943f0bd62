import { SEVERITIES } from '../enums';
import { POLICY_PRESET_DOCUMENTS } from '../policy/policy.util';
import {
  classifySeverity, maxSeverity, nextUnresolvedEscalationAt, severityRank, unresolvedSeverity,
} from './severity.util';

const pm = POLICY_PRESET_DOCUMENTS['pm-branch'].severity;
const vk = POLICY_PRESET_DOCUMENTS['vanke-sh'].severity;
const tr = POLICY_PRESET_DOCUMENTS.training.severity;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('severity order', () => {
  it('ranks GENERAL < IMPORTANT < HOT < MAJOR', () => {
    expect(SEVERITIES.map(severityRank)).toEqual([0, 1, 2, 3]);
    expect(maxSeverity('HOT', 'IMPORTANT')).toBe('HOT');
    expect(maxSeverity('GENERAL', 'MAJOR')).toBe('MAJOR');
    expect(maxSeverity('HOT', 'HOT')).toBe('HOT');
  });
});

describe('classifySeverity — pm-branch (004 篇2)', () => {
  it('collective ≥ 5 households is major, 4 is general', () => {
    expect(classifySeverity({ householdsAffected: 5 }, pm)).toEqual({
      severity: 'MAJOR', reasons: ['COLLECTIVE_HOUSEHOLDS>=5'], triggers: [{ severity: 'MAJOR', reason: 'COLLECTIVE_HOUSEHOLDS>=5' }],
    });
    expect(classifySeverity({ householdsAffected: 4 }, pm)).toEqual({ severity: 'GENERAL', reasons: [], triggers: [] });
  });

  it('injury and media exposure are major; litigation, reopen and counts alone are not rules here', () => {
    expect(classifySeverity({ householdsAffected: 1, injury: true }, pm).reasons).toEqual(['INJURY']);
    expect(classifySeverity({ householdsAffected: 1, mediaExposure: true }, pm).severity).toBe('MAJOR');
    expect(classifySeverity({ householdsAffected: 1, litigation: true, reopened: true, sameMatterComplaints: 9, sameMatterComplainants: 9, lossAmountYuan: 100000 }, pm).severity)
      .toBe('GENERAL');
  });

  it('lists every major reason that fired', () => {
    expect(classifySeverity({ householdsAffected: 6, injury: true, mediaExposure: true }, pm).reasons)
      .toEqual(['COLLECTIVE_HOUSEHOLDS>=5', 'INJURY', 'MEDIA_EXPOSURE']);
  });
});

describe('classifySeverity — vanke-sh (004 篇3)', () => {
  it('3 households is hot, 10 is major, 2 is general', () => {
    expect(classifySeverity({ householdsAffected: 3 }, vk)).toMatchObject({ severity: 'HOT', reasons: ['COLLECTIVE_HOUSEHOLDS>=3'] });
    expect(classifySeverity({ householdsAffected: 9 }, vk).severity).toBe('HOT');
    expect(classifySeverity({ householdsAffected: 10 }, vk)).toMatchObject({ severity: 'MAJOR', reasons: ['COLLECTIVE_HOUSEHOLDS>=10'] });
    expect(classifySeverity({ householdsAffected: 2 }, vk).severity).toBe('GENERAL');
  });

  it('litigation and media are major; injury is not a vanke-sh rule', () => {
    expect(classifySeverity({ householdsAffected: 1, litigation: true }, vk).reasons).toEqual(['LITIGATION']);
    expect(classifySeverity({ householdsAffected: 1, mediaExposure: true }, vk).severity).toBe('MAJOR');
    expect(classifySeverity({ householdsAffected: 1, injury: true }, vk).severity).toBe('GENERAL');
  });

  it('3 distinct complainants on the same matter are hot, 2 are not', () => {
    expect(classifySeverity({ householdsAffected: 1, sameMatterComplainants: 3 }, vk))
      .toMatchObject({ severity: 'HOT', reasons: ['SAME_MATTER_COMPLAINANTS>=3'] });
    expect(classifySeverity({ householdsAffected: 1, sameMatterComplainants: 2, sameMatterComplaints: 5 }, vk).severity).toBe('GENERAL');
  });

  it('a reopened complaint is at least important, and keeps its lower reasons as triggers', () => {
    expect(classifySeverity({ householdsAffected: 1, reopened: true }, vk)).toMatchObject({ severity: 'IMPORTANT', reasons: ['REOPENED'] });
    const c = classifySeverity({ householdsAffected: 3, reopened: true }, vk);
    expect(c.severity).toBe('HOT');
    expect(c.reasons).toEqual(['COLLECTIVE_HOUSEHOLDS>=3']);
    expect(c.triggers).toEqual([
      { severity: 'HOT', reason: 'COLLECTIVE_HOUSEHOLDS>=3' },
      { severity: 'IMPORTANT', reason: 'REOPENED' },
    ]);
  });
});

describe('classifySeverity — training (001)', () => {
  it('loss of 501 yuan is major, 500 is general', () => {
    expect(classifySeverity({ householdsAffected: 1, lossAmountYuan: 501 }, tr)).toMatchObject({ severity: 'MAJOR', reasons: ['LOSS_YUAN>500'] });
    expect(classifySeverity({ householdsAffected: 1, lossAmountYuan: 500 }, tr).severity).toBe('GENERAL');
    expect(classifySeverity({ householdsAffected: 1, lossAmountYuan: null }, tr).severity).toBe('GENERAL');
  });

  it('3 owners at once, 3 complaints in total and injury are major', () => {
    expect(classifySeverity({ householdsAffected: 3 }, tr).reasons).toEqual(['COLLECTIVE_HOUSEHOLDS>=3']);
    expect(classifySeverity({ householdsAffected: 2 }, tr).severity).toBe('GENERAL');
    expect(classifySeverity({ householdsAffected: 1, sameMatterComplaints: 3 }, tr).reasons).toEqual(['SAME_MATTER_COMPLAINTS>=3']);
    expect(classifySeverity({ householdsAffected: 1, sameMatterComplaints: 2 }, tr).severity).toBe('GENERAL');
    expect(classifySeverity({ householdsAffected: 1, injury: true }, tr).severity).toBe('MAJOR');
  });

  it('has no hot or important level', () => {
    expect(classifySeverity({ householdsAffected: 1, reopened: true, sameMatterComplainants: 5, mediaExposure: true }, tr).severity).toBe('GENERAL');
  });
});

describe('unresolvedSeverity', () => {
  const t0 = Date.UTC(2026, 0, 5, 1, 0, 0);

  it('vanke-sh: hot after 7 days, major after 30 days', () => {
    expect(unresolvedSeverity(t0, t0 + 7 * DAY - 1, vk)).toBeNull();
    expect(unresolvedSeverity(t0, t0 + 7 * DAY, vk)).toBe('HOT');
    expect(unresolvedSeverity(t0, t0 + 30 * DAY - 1, vk)).toBe('HOT');
    expect(unresolvedSeverity(t0, t0 + 30 * DAY, vk)).toBe('MAJOR');
  });

  it('pm-branch: major after 30 days, never hot; training: never', () => {
    expect(unresolvedSeverity(t0, t0 + 20 * DAY, pm)).toBeNull();
    expect(unresolvedSeverity(t0, t0 + 30 * DAY, pm)).toBe('MAJOR');
    expect(unresolvedSeverity(t0, t0 + 400 * DAY, tr)).toBeNull();
  });

  it('is null before the complaint was received', () => {
    expect(unresolvedSeverity(t0, t0 - HOUR, vk)).toBeNull();
  });

  it('handles weeks and hours', () => {
    const th = { ...vk, unresolvedHotAfter: 'PT36H', unresolvedMajorAfter: 'P2W' };
    expect(unresolvedSeverity(t0, t0 + 36 * HOUR, th)).toBe('HOT');
    expect(unresolvedSeverity(t0, t0 + 14 * DAY, th)).toBe('MAJOR');
  });

  it('tells when the next age threshold is reached', () => {
    expect(nextUnresolvedEscalationAt(t0, t0, vk)).toBe(t0 + 7 * DAY);
    expect(nextUnresolvedEscalationAt(t0, t0 + 8 * DAY, vk)).toBe(t0 + 30 * DAY);
    expect(nextUnresolvedEscalationAt(t0, t0 + 30 * DAY, vk)).toBeNull();
    expect(nextUnresolvedEscalationAt(t0, t0, tr)).toBeNull();
  });
});
