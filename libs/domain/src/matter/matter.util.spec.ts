import { presetPolicy } from '../policy/policy.util';
import {
  MatterMember, addMembers, buildingOf, complainantKey, countMatter, householdKey, matterSeverity, matterWindowMs, nextFiring,
} from './matter.util';

const DAY = 24 * 3600 * 1000;
const member = (id: string, who: string, unit: string | null, at: number, households = 1): MatterMember => ({
  complaintId: id, complainantKey: complainantKey({ name: who, phone: null, unit }), householdKey: householdKey({ unit, location: null }),
  householdsAffected: households, receivedAt: at,
});

describe('same-matter keys', () => {
  it('a complainant is their phone, else name and unit; a household is the unit, else the place', () => {
    expect(complainantKey({ name: '王', phone: '138-0013 8000', unit: '1-1' })).toBe(complainantKey({ name: 'Li', phone: '13800138000', unit: null }));
    expect(complainantKey({ name: '王 先生', phone: null, unit: '3-101' })).toBe(complainantKey({ name: '王先生', phone: '', unit: '３－１０１' }));
    expect(householdKey({ unit: ' 3-101 ', location: 'lobby' })).toBe('unit:3-101');
    expect(householdKey({ unit: null, location: 'East  Gate' })).toBe('place:eastgate');
    expect(householdKey({ unit: null, location: null })).toBeNull();
    expect(buildingOf('3-101')).toBe('3');
    expect(buildingOf('101')).toBeNull();
  });
});

describe('counting a matter', () => {
  it('counts distinct complainants and households within the window of the newest complaint', () => {
    const ms = [member('a', 'A', '1-1', 0), member('b', 'A', '1-1', DAY), member('c', 'B', '1-2', 40 * DAY)];
    expect(countMatter(ms, 30 * DAY)).toEqual({ complaints: 1, distinctComplainants: 1, distinctHouseholds: 1, maxHouseholdsAffected: 1 });
    expect(countMatter(ms, 365 * DAY)).toEqual({ complaints: 3, distinctComplainants: 2, distinctHouseholds: 2, maxHouseholdsAffected: 1 });
  });

  it('keeps one entry per complaint, drops what left the window, stays bounded', () => {
    let ms: MatterMember[] = [];
    ms = addMembers(ms, [member('a', 'A', '1-1', 0)], 30 * DAY);
    ms = addMembers(ms, [member('a', 'A', '1-1', 0), member('b', 'B', '1-2', 31 * DAY)], 30 * DAY);
    expect(ms.map((m) => m.complaintId)).toEqual(['b']);
    const many = Array.from({ length: 6000 }, (_, i) => member(`c${i}`, `P${i}`, `1-${i}`, i));
    expect(addMembers([], many, DAY).length).toBe(5000);
  });
});

describe('the presets on a matter', () => {
  const pm = presetPolicy('pm-branch').severity;
  const vanke = presetPolicy('vanke-sh').severity;
  const training = presetPolicy('training').severity;
  const households = (n: number): MatterMember[] => Array.from({ length: n }, (_, i) => member(`h${i}`, `P${i}`, `2-${i}`, i * 1000));

  it('pm-branch: five households are MAJOR, four are nothing', () => {
    expect(matterSeverity(countMatter(households(4), matterWindowMs(pm)), pm)).toBeNull();
    expect(matterSeverity(countMatter(households(5), matterWindowMs(pm)), pm)).toEqual({ severity: 'MAJOR', rule: 'COLLECTIVE_HOUSEHOLDS>=5' });
  });

  it('pm-branch: a collective complaint of five households makes its matter MAJOR', () => {
    const ms = [...households(4).slice(0, 1), member('x', 'X', '9-9', 5000, 5)];
    expect(matterSeverity(countMatter(ms, matterWindowMs(pm)), pm)?.severity).toBe('MAJOR');
  });

  it('vanke-sh: five households are HOT, not MAJOR (the collective rule is at 10)', () => {
    expect(matterSeverity(countMatter(households(5), matterWindowMs(vanke)), vanke)?.severity).toBe('HOT');
    expect(matterSeverity(countMatter(households(10), matterWindowMs(vanke)), vanke)).toEqual({ severity: 'MAJOR', rule: 'COLLECTIVE_HOUSEHOLDS>=10' });
  });

  it('training: the third complaint on a matter is MAJOR, the same complainant again included', () => {
    const ms = [member('a', 'A', '1-1', 0), member('b', 'A', '1-1', 10 * DAY)];
    expect(matterSeverity(countMatter(ms, matterWindowMs(training)), training)).toBeNull();
    const third = [...ms, member('c', 'A', '1-1', 100 * DAY)];
    expect(matterSeverity(countMatter(third, matterWindowMs(training)), training)).toEqual({ severity: 'MAJOR', rule: 'SAME_MATTER_COMPLAINTS>=3' });
  });

  it('fires only upwards', () => {
    expect(nextFiring(null, { severity: 'HOT', rule: 'r' })).toEqual({ severity: 'HOT', rule: 'r' });
    expect(nextFiring({ severity: 'HOT', rule: 'r' }, { severity: 'HOT', rule: 's' })).toBeNull();
    expect(nextFiring({ severity: 'MAJOR', rule: 'r' }, { severity: 'HOT', rule: 's' })).toBeNull();
    expect(nextFiring({ severity: 'HOT', rule: 'r' }, { severity: 'MAJOR', rule: 'm' })).toEqual({ severity: 'MAJOR', rule: 'm' });
    expect(nextFiring(null, null)).toBeNull();
  });
});
