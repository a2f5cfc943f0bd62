/** What the jest global setup (test/support/global-setup.ts) leaves for the test files. */
export function temporalAddress(): string {
  const a = process.env.TEST_TEMPORAL_ADDRESS;
  if (!a) throw new Error('TEST_TEMPORAL_ADDRESS is not set: run the suite through jest (global setup)');
  return a;
}

export function workflowBundlePath(): string {
  const p = process.env.TEST_WORKFLOW_BUNDLE;
  if (!p) throw new Error('TEST_WORKFLOW_BUNDLE is not set: run the suite through jest (global setup)');
  return p;
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
