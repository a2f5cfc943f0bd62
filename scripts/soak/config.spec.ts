import { seededRandom, soakConfig } from './config';

describe('soakConfig', () => {
  it('defaults to 10 minutes at 4 complaints/s with kills every 30–60 s and a 60 s cluster stop', () => {
    const c = soakConfig({ SOAK_SEED: '7' }, []);
    expect(c).toEqual({ minutes: 10, rate: 4, seed: 7, killEvery: { min: 30, max: 60 }, downSeconds: 3, clusterDownSeconds: 60, timers: 100 });
  });

  it('takes --minutes over SOAK_MINUTES, in both spellings', () => {
    expect(soakConfig({ SOAK_MINUTES: '3' }, []).minutes).toBe(3);
    expect(soakConfig({ SOAK_MINUTES: '3' }, ['--minutes', '2']).minutes).toBe(2);
    expect(soakConfig({}, ['--minutes=0.5']).minutes).toBe(0.5);
  });

  it('names the variable or flag that is wrong', () => {
    expect(() => soakConfig({ SOAK_MINUTES: 'ten' }, [])).toThrow('SOAK_MINUTES must be a positive number up to 1440, got "ten"');
    expect(() => soakConfig({}, ['--minutes', '-1'])).toThrow('--minutes must be a positive number');
    expect(() => soakConfig({}, ['--minutes'])).toThrow('--minutes must be a positive number');
    expect(() => soakConfig({ SOAK_RATE: '0' }, [])).toThrow('SOAK_RATE must be a positive number');
    expect(() => soakConfig({ SOAK_SEED: '1.5' }, [])).toThrow('SOAK_SEED must be a positive integer');
    expect(() => soakConfig({ SOAK_KILL_MIN_S: '50', SOAK_KILL_MAX_S: '40' }, [])).toThrow('SOAK_KILL_MAX_S (40) must not be below SOAK_KILL_MIN_S (50)');
    expect(() => soakConfig({}, ['--rate', '3'])).toThrow('unknown argument "--rate"');
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed, differs between seeds, and stays in [0, 1)', () => {
    const a = Array.from({ length: 50 }, seededRandom(42));
    const b = Array.from({ length: 50 }, seededRandom(42));
    const c = Array.from({ length: 50 }, seededRandom(43));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
