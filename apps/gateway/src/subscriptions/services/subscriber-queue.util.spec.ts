import { SubscriberQueue } from './subscriber-queue.util';

describe('SubscriberQueue', () => {
  it('hands values to a waiting reader, then buffers them in order', async () => {
    const q = new SubscriberQueue<number>(10, () => undefined);
    const first = q.next();
    q.push(1);
    q.push(2);
    q.push(3);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
    expect(await q.next()).toEqual({ value: 3, done: false });
  });

  it('ends a reader that falls behind with an error, after what it had, and unregisters once', async () => {
    const onClose = jest.fn();
    const q = new SubscriberQueue<number>(2, onClose);
    q.push(1);
    q.push(2);
    q.push(3);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(q.closed).toBe(true);
    expect(await q.next()).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
    await expect(q.next()).rejects.toThrow(/fell more than 2 updates behind/);
    expect(await q.next()).toEqual({ value: undefined, done: true });
    q.push(4);
    await q.return();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('return() ends a waiting reader and drops the backlog', async () => {
    const onClose = jest.fn();
    const q = new SubscriberQueue<number>(5, onClose);
    const waiting = q.next();
    await q.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    q.push(1);
    expect(await q.next()).toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('fail() rejects a waiting reader', async () => {
    const q = new SubscriberQueue<number>(5, () => undefined);
    const waiting = q.next();
    q.fail(new Error('token expired'));
    await expect(waiting).rejects.toThrow('token expired');
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });
});
