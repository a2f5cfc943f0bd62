/**
 * A lock for one workflow's handlers: they run interleaved at their awaits, and `exclusive(fn)`
 * runs `fn` only after every earlier call has finished, so state changes and their writes stay in
 * order. Deterministic (promises only): safe in workflow code.
 */
export function createExclusive(): <T>(fn: () => Promise<T>) => Promise<T> {
  let lock: Promise<void> = Promise.resolve();
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    const previous = lock;
    let release!: () => void;
    lock = new Promise((r) => (release = r));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  };
}
