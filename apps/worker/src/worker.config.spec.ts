import { DEFAULT_MAX_CACHED_WORKFLOWS, workerCacheOptions } from './worker.config';

describe('workerCacheOptions', () => {
  it('sizes the sticky cache by default, independent of the machine', () => {
    expect(workerCacheOptions({})).toEqual({ maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS, maxConcurrentWorkflowTaskExecutions: 40 });
  });

  it('takes both from the environment', () => {
    expect(workerCacheOptions({ WORKER_MAX_CACHED_WORKFLOWS: '2000', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '100' }))
      .toEqual({ maxCachedWorkflows: 2000, maxConcurrentWorkflowTaskExecutions: 100 });
  });

  it('keeps the workflow tasks run at once within a small cache', () => {
    expect(workerCacheOptions({ WORKER_MAX_CACHED_WORKFLOWS: '10' }).maxConcurrentWorkflowTaskExecutions).toBe(10);
  });

  it('refuses more workflow tasks at once than the cache holds, naming both variables', () => {
    expect(() => workerCacheOptions({ WORKER_MAX_CACHED_WORKFLOWS: '100', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '200' }))
      .toThrow(/WORKER_MAX_CONCURRENT_WORKFLOW_TASKS=200 exceeds WORKER_MAX_CACHED_WORKFLOWS=100/);
  });

  it('refuses a value that is not an integer of at least 2, naming the variable', () => {
    expect(() => workerCacheOptions({ WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS=lots/);
    expect(() => workerCacheOptions({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS=1 is not an integer >= 2/);
    expect(() => workerCacheOptions({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '2.5' })).toThrow(/WORKER_MAX_CONCURRENT_WORKFLOW_TASKS=2.5/);
  });
});
