import { fixedDurationMs, isValidBusinessDuration, isValidIsoDuration, parseIsoDuration, timePartMs } from './duration.util';

const H = 3_600_000;

describe('parseIsoDuration', () => {
  it('parses every component', () => {
    expect(parseIsoDuration('P1Y2M3W4DT5H6M7S')).toEqual({ years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 });
    expect(parseIsoDuration('PT2H')).toEqual({ years: 0, months: 0, weeks: 0, days: 0, hours: 2, minutes: 0, seconds: 0 });
    expect(parseIsoDuration('P1D').days).toBe(1);
    expect(parseIsoDuration('PT30M').minutes).toBe(30);
    expect(parseIsoDuration('PT0.5S').seconds).toBe(0.5);
    expect(parseIsoDuration('PT0S').seconds).toBe(0);
  });

  it.each(['', 'P', 'PT', 'P1DT', '1D', '-P1D', 'P1.5D', 'PT1H2', 'P1H', 'p1d', 'PT1.2345S', 'P1D2H', 'PT2H1H', ' PT1H'])(
    'rejects %j with an error naming it',
    (s) => {
      expect(() => parseIsoDuration(s)).toThrow(JSON.stringify(s));
      expect(isValidIsoDuration(s)).toBe(false);
    },
  );

  it('rejects non-strings', () => {
    expect(() => parseIsoDuration(undefined as unknown as string)).toThrow('Invalid ISO-8601 duration');
  });
});

describe('business durations', () => {
  it.each([
    ['PT2H', true],
    ['P1D', true],
    ['P2DT4H', true],
    ['P1W', false],
    ['P1M', false],
    ['P1Y', false],
    ['nonsense', false],
  ])('%s usable as business time: %s', (s, ok) => {
    expect(isValidBusinessDuration(s)).toBe(ok);
  });
});

describe('fixedDurationMs / timePartMs', () => {
  it('counts days as 24 h and weeks as 7 days', () => {
    expect(fixedDurationMs(parseIsoDuration('P1DT2H'))).toBe(26 * H);
    expect(fixedDurationMs(parseIsoDuration('P1W'))).toBe(7 * 24 * H);
    expect(fixedDurationMs(parseIsoDuration('PT1M30.5S'))).toBe(90_500);
  });
  it('refuses years and months', () => {
    expect(() => fixedDurationMs(parseIsoDuration('P1M'))).toThrow('no fixed length');
  });
  it('timePartMs ignores the date part', () => {
    expect(timePartMs(parseIsoDuration('P3DT1H'))).toBe(H);
  });
});
