import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { getFreePort } from '../../scripts/infra/process-utils';
import type { Stack } from './stack';
import { temporalAddress } from './test-env';

const ROOT = path.join(__dirname, '..', '..');

/** The gateway's real entry point as its own process, so the test can SIGKILL it mid-request. */
export async function gatewayProcess(stack: Stack): Promise<{ url: string; child: ChildProcess }> {
  const port = await getFreePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.js'), path.join(ROOT, 'apps', 'gateway', 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env, DATABASE_URL: stack.appDatabaseUrl, TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_TASK_QUEUE: stack.taskQueue,
      JWT_SECRET: stack.jwtSecret, PORT: String(port), HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      output += b.toString();
      if (output.includes('GraphQL on')) resolve();
    });
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    child.once('exit', (code) => reject(new Error(`gateway process exited (${code}) before listening:\n${output}`)));
  });
  return { url: `http://127.0.0.1:${port}/graphql`, child };
}

