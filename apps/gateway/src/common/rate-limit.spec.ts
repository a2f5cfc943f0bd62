import { KeyedConcurrencyLimiter } from './rate-limit';

describe('KeyedConcurrencyLimiter (per-tenant concurrency on the shared pools)', () => {
  it('admits up to the limit per key, queues a bounded number, refuses the rest, and hands a released slot to the next in line', async () => {
    const l = new KeyedConcurrencyLimiter(2, 1, 60_000);
    const r1 = await l.acquire('a');
    const r2 = await l.acquire('a');
    expect(r1 && r2).toBeTruthy();
    expect(l.active('a')).toBe(2);
    let third: (() => void) | null | undefined;
    const pending = l.acquire('a').then((r) => (third = r));
    expect(await l.acquire('a')).toBeNull(); // the queue (1) is full
    expect(await l.acquire('b')).toBeTruthy(); // another tenant is not affected
    expect(third).toBeUndefined();
    r1!();
    r1!(); // releasing twice frees one slot only
    await pending;
    expect(typeof third).toBe('function');
    expect(l.active('a')).toBe(2);
    r2!();
    third!();
    expect(l.active('a')).toBe(0);
  });

  it('refuses a queued request whose wait runs out', async () => {
    jest.useFakeTimers();
    try {
      const l = new KeyedConcurrencyLimiter(1, 5, 1000);
      const held = await l.acquire('a');
      const waiting = l.acquire('a');
      jest.advanceTimersByTime(1000);
      expect(await waiting).toBeNull();
      held!();
      expect(l.active('a')).toBe(0);
      expect(await l.acquire('a')).toBeTruthy();
    } finally {
      jest.useRealTimers();
    }
  });
});
