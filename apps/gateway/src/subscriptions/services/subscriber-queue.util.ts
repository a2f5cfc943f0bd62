/**
 * A bounded push/pull queue behind one subscription's AsyncIterator. A subscriber that does not
 * read (a stalled socket) is ended rather than buffered without limit; it catches up from the
 * timeline after re-subscribing.
 */
export class SubscriberQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiting: ((r: IteratorResult<T>) => void)[] = [];
  private done = false;
  private failure: Error | null = null;
  private readonly failWaiting: ((e: Error) => void)[] = [];

  constructor(private readonly capacity: number, private readonly onClose: () => void) {}

  push(value: T): void {
    if (this.done) return;
    const w = this.waiting.shift();
    if (w) {
      this.failWaiting.shift();
      w({ value, done: false });
      return;
    }
    if (this.buffer.length >= this.capacity) {
      this.fail(new Error(`the subscriber fell more than ${this.capacity} updates behind; subscribe again and catch up with updatedSince`));
      return;
    }
    this.buffer.push(value);
  }

  /** Ends the subscription with an error (delivered after what is buffered). */
  fail(err: Error): void {
    if (this.done) return;
    this.finish();
    const waiting = this.failWaiting.splice(0);
    this.waiting.splice(0);
    // A waiting reader has nothing buffered: it gets the error now; otherwise the next read after the backlog does.
    if (waiting.length) for (const f of waiting) f(err);
    else this.failure = err;
  }

  get closed(): boolean {
    return this.done;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length) return Promise.resolve({ value: this.buffer.shift() as T, done: false });
    if (this.failure) {
      const e = this.failure;
      this.failure = null;
      return Promise.reject(e);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.failWaiting.push(reject);
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer.splice(0);
    this.finish();
    for (const w of this.waiting.splice(0)) w({ value: undefined, done: true });
    this.failWaiting.splice(0);
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.onClose();
  }
}
