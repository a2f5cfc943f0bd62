import { bundleWorkflowCode } from '@temporalio/worker';
import * as fs from 'fs';
import * as path from 'path';
import { resolveTemporal } from '../../scripts/infra/temporal-cli';
import { startTemporalDevServer } from '../../scripts/infra/temporal-server';
import { ensurePostgres } from '../../scripts/infra/postgres';
import { ensureConsoleBuilt } from '../../scripts/console-build';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../apps/worker/src/observability/workflow-interceptor-modules';

const ROOT = path.join(__dirname, '..', '..');
const log = (s: string): void => void process.stderr.write(`[test setup] ${s}\n`);

interface Servers {
  refs: number;
  stops: (() => Promise<void>)[];
}
const g = globalThis as unknown as { __cpServers?: Servers };

/**
 * Starts a real Temporal dev server (or uses TEMPORAL_ADDRESS) and a real PostgreSQL
 * (DATABASE_URL, else embedded under .data/) once for the whole run, and bundles the
 * workflow code once. Test files read the addresses from the environment.
 */
export default async function globalSetup(): Promise<void> {
  if (g.__cpServers) {
    g.__cpServers.refs += 1;
    return;
  }
  const servers: Servers = { refs: 1, stops: [] };
  g.__cpServers = servers;

  const temporal = await (async () => {
    const target = await resolveTemporal({ log });
    if (target.external) return target.address;
    const server = await startTemporalDevServer({ cliPath: target.cliPath, headless: true, log });
    servers.stops.push(server.stop);
    return server.address;
  })();
  process.env.TEST_TEMPORAL_ADDRESS = temporal;
  // The gateways and workers the suites start log warnings and errors only (a test that reads info lines sets its own).
  process.env.LOG_LEVEL ??= 'warn';

  const pg = await ensurePostgres({ dataDir: path.join(ROOT, '.data', 'test-postgres'), port: 54339, log });
  servers.stops.push(pg.stop);
  process.env.TEST_DATABASE_URL = pg.url;

  // The console's production build (the gateway serves it at /console), while the workflows bundle.
  const consoleBuilt = ensureConsoleBuilt(log).then(() => null, (err: Error) => err);
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(ROOT, 'workflows', 'index.ts'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: undefined });
  const bundlePath = path.join(ROOT, '.data', 'test-workflow-bundle.js');
  fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
  fs.writeFileSync(bundlePath, code);
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
  const consoleFailure = await consoleBuilt;
  if (consoleFailure) throw consoleFailure;
  log(`workflow bundle ready in ${Date.now() - started} ms; Temporal ${temporal}; PostgreSQL ready`);
}
