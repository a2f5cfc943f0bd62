import { EXACT_COUNT_UP_TO, TotalCountCache } from './total-count.cache';

describe('TotalCountCache', () => {
  it('counts once for every caller that finds no count, then answers from the cache for a minute', async () => {
    let now = 0;
    const cache = new TotalCountCache(60_000, () => now);
    let counts = 0;
    const count = async (): Promise<number> => {
      counts += 1;
      return 5000;
    };
    expect(cache.fresh('k')).toBeUndefined();
    expect(await Promise.all([cache.above('k', count), cache.above('k', count), cache.above('k', count)])).toEqual([5000, 5000, 5000]);
    expect(counts).toBe(1);
    now = 59_999;
    expect(cache.fresh('k')).toBe(5000);
    now = 60_000;
    expect(cache.fresh('k')).toBeUndefined();
  });

  it('answers a stale count at once and recounts in the background', async () => {
    let now = 0;
    const cache = new TotalCountCache(60_000, () => now);
    let n = 2000;
    await cache.above('k', async () => n);
    now = 61_000;
    n = 2500;
    expect(await cache.above('k', async () => n)).toBe(2000);
    await new Promise((r) => setImmediate(r));
    expect(cache.fresh('k')).toBe(2500);
  });

  it('never answers a count within the exact range once a bounded count found more', async () => {
    const cache = new TotalCountCache();
    expect(await cache.above('k', async () => 10)).toBe(EXACT_COUNT_UP_TO + 1);
    expect(cache.fresh('k')).toBeUndefined();
  });

  it('forgets a failed first count', async () => {
    const cache = new TotalCountCache();
    await expect(cache.above('k', async () => { throw new Error('statement timeout'); })).rejects.toThrow('statement timeout');
    expect(await cache.above('k', async () => 3000)).toBe(3000);
  });
});
