import { countIn, recoveryAfterKill } from './recovery';

/** Accepted intakes at `perSecond` per second over [from, to) ms, evenly spaced. */
const steady = (from: number, to: number, perSecond: number): number[] => {
  const out: number[] = [];
  for (let t = from; t < to; t += 1000 / perSecond) out.push(Math.round(t));
  return out;
};

describe('recoveryAfterKill', () => {
  it('counts sorted times in half-open windows', () => {
    expect(countIn([1, 2, 2, 5, 9], 2, 5)).toBe(2);
    expect(countIn([1, 2, 2, 5, 9], 0, 100)).toBe(5);
    expect(countIn([], 0, 100)).toBe(0);
  });

  it('is 0 when the rate never dips (a gateway kill the clients fail over from)', () => {
    const times = steady(0, 120_000, 4);
    const r = recoveryAfterKill(times, 60_000, 120_000);
    expect(r.baselinePerSecond).toBeCloseTo(4, 5);
    expect(r.recoveredAfterMs).toBe(0);
  });

  it('measures from the kill to the first 5 s window back at ≥ 90 % of the 20 s before', () => {
    // 4/s until the kill at 60 s, nothing for 12 s, then 4/s again.
    const times = [...steady(0, 60_000, 4), ...steady(72_000, 120_000, 4)];
    const r = recoveryAfterKill(times, 60_000, 120_000);
    expect(r.recoveredAfterMs).toBe(12_000);
    expect(r.lowestPerSecond).toBe(0);
  });

  it('counts the backlog answered at once after an outage as recovery', () => {
    const backlog = Array.from({ length: 40 }, () => 70_000);
    const times = [...steady(0, 60_000, 4), ...backlog, ...steady(70_000, 120_000, 4)].sort((a, b) => a - b);
    expect(recoveryAfterKill(times, 60_000, 120_000).recoveredAfterMs).toBe(6_000);
  });

  it('does not recover at 80 % of the baseline, and gives null when the window ends first', () => {
    const times = [...steady(0, 60_000, 5), ...steady(60_000, 120_000, 4)];
    expect(recoveryAfterKill(times, 60_000, 120_000).recoveredAfterMs).toBeNull();
    // Back to full rate only after `until`: not credited.
    const late = [...steady(0, 60_000, 4), ...steady(100_000, 140_000, 4)];
    expect(recoveryAfterKill(late, 60_000, 95_000).recoveredAfterMs).toBeNull();
  });
});
