import { currentUpdateInfo } from '@temporalio/workflow';
import { MAX_APPLIED_ACTIONS, RETRY_KEY_UPDATE_PREFIX } from './complaint.types';

/**
 * The retry keys (Update ids derived from a client's requestId) of the actions a workflow applied, with
 * their outcome, oldest first and bounded: a retry is answered with the first outcome, also after
 * continue-as-new (which Temporal's own de-duplication does not cover), where `entries()` carries them.
 */
export interface AppliedActions<R> {
  /** The running Update's retry key, or null for a one-off id (no requestId). */
  retryKey(): string | null;
  get(key: string): R | undefined;
  has(key: string): boolean;
  remember(key: string, result: R): void;
  entries(): { updateId: string; result: R }[];
}

export function appliedActions<R>(carried: readonly { updateId: string; result: R }[] | undefined): AppliedActions<R> {
  const applied = new Map<string, R>((carried ?? []).map((a) => [a.updateId, a.result]));
  return {
    retryKey: () => {
      const id = currentUpdateInfo()?.id;
      return id !== undefined && id.startsWith(RETRY_KEY_UPDATE_PREFIX) ? id : null;
    },
    get: (key) => applied.get(key),
    has: (key) => applied.has(key),
    remember: (key, result) => {
      applied.set(key, result);
      // Bounded: the latest keys only.
      for (const oldest of applied.keys()) {
        if (applied.size <= MAX_APPLIED_ACTIONS) break;
        applied.delete(oldest);
      }
    },
    entries: () => [...applied].map(([updateId, result]) => ({ updateId, result })),
  };
}
