import * as path from 'path';

/**
 * The workflow interceptors every workflow bundle includes (the request id passed on to activities):
 * `bundleWorkflowCode({ workflowInterceptorModules })` wherever a bundle is built, and the worker's
 * `interceptors.workflowModules` when it bundles itself. (.ts under ts-node, .js in the built image.)
 */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [
  require.resolve(path.join(__dirname, '..', '..', '..', '..', 'workflows', 'request-id.interceptors')),
];
