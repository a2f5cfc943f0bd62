import { randomBytes } from 'crypto';
import { createDatabase, dropDatabase } from '../../scripts/infra/postgres';
import { ensureApplicationLogin } from '../../libs/persistence/src/application-role';
import { runMigrations } from '../../libs/persistence/src/data-source';

/**
 * A fresh database with every migration applied; `drop()` removes it. `url` connects as the owner
 * (seeding, inspecting: row-level security does not apply to it), `appUrl` as the application role
 * the gateway and worker use (row-level security applies).
 */
export async function createTestDatabase(label: string): Promise<{ url: string; appUrl: string; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set: run the suite through jest (global setup)');
  const name = `cp_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = await createDatabase(base, name);
  await runMigrations(url);
  const appUrl = await ensureApplicationLogin(url);
  return { url, appUrl, drop: () => dropDatabase(base, name) };
}
