/**
 * Channel credentials against the real PostgreSQL: stored encrypted, read back decrypted by their
 * own tenant only (scoped repository and row-level security), and refused under another key.
 */
import { randomBytes } from 'crypto';
import type { SmsCredentials } from '../../libs/notifications/src/channel';
import { CredentialCipher, CredentialDecryptError } from '../../libs/notifications/src/credential-cipher';
import { ChannelCredentialsRepository } from '../../libs/persistence/src/channel-credentials.repository';
import { MissingTenantError } from '../../libs/persistence/src/tenant-scoped.repository';
import { MediumDatabase, SeededOrganisation, insertOrganisation, openDatabase } from './medium-support';

let m: MediumDatabase;
let a: SeededOrganisation;
let b: SeededOrganisation;
let repo: ChannelCredentialsRepository;
const cipher = new CredentialCipher(randomBytes(32));

const sms = (secret: string): SmsCredentials => ({
  channel: 'SMS', endpoint: 'https://dysmsapi.aliyuncs.com', accessKeyId: 'LTAI5tAAAA1234', accessKeySecret: secret, signName: '阳光物业', templateCode: 'SMS_1',
});

beforeAll(async () => {
  m = await openDatabase('medium_message_channels');
  a = await insertOrganisation(m.db, { users: ['headOffice'] });
  b = await insertOrganisation(m.db, { users: ['headOffice'] });
  repo = new ChannelCredentialsRepository(m.app, cipher);
});
afterAll(async () => {
  await m?.close();
});

it('stores credentials encrypted and reads them back decrypted; a second put replaces them', async () => {
  const first = await repo.put(a.tenantId, sms('first-secret-value'), a.users.headOffice);
  expect(first.updatedAt).toBeInstanceOf(Date);
  const raw: { config: Buffer }[] = await m.db.query(`SELECT config FROM channel_credentials WHERE tenant_id = $1`, [a.tenantId]);
  expect(raw).toHaveLength(1);
  expect(raw[0].config.toString('latin1')).not.toContain('first-secret-value');
  expect(raw[0].config.toString('latin1')).not.toContain('LTAI5tAAAA1234');

  await repo.put(a.tenantId, sms('second-secret-value'), a.users.headOffice);
  expect(await repo.get(a.tenantId, 'SMS')).toEqual(sms('second-secret-value'));
  expect(await repo.get(a.tenantId, 'EMAIL')).toBeNull();
  expect((await repo.list(a.tenantId)).map((s) => [s.channel, s.updatedBy])).toEqual([['SMS', a.users.headOffice]]);
});

it("never reads or uses another tenant's credentials, even when a row is copied across", async () => {
  await repo.put(a.tenantId, sms('tenant-a-secret'), a.users.headOffice);
  expect(await repo.get(b.tenantId, 'SMS')).toBeNull();
  expect(await repo.list(b.tenantId)).toEqual([]);
  // Row-level security: the application role sees no other tenant's rows even without the predicate.
  const visible = await m.app.transaction(async (t) => {
    await t.query(`SELECT set_config('app.tenant_id', $1, true)`, [b.tenantId]);
    return t.query(`SELECT tenant_id FROM channel_credentials`) as Promise<unknown[]>;
  });
  expect(visible).toEqual([]);
  // A ciphertext moved into another tenant's row does not decrypt there.
  await m.db.query(`INSERT INTO channel_credentials (tenant_id, channel, config) SELECT $2, channel, config FROM channel_credentials WHERE tenant_id = $1`, [a.tenantId, b.tenantId]);
  await expect(repo.get(b.tenantId, 'SMS')).rejects.toBeInstanceOf(CredentialDecryptError);
  await m.db.query(`DELETE FROM channel_credentials WHERE tenant_id = $1`, [b.tenantId]);
});

it('refuses to read under another key, and refuses a missing tenant', async () => {
  await repo.put(a.tenantId, sms('keyed-secret'), null);
  const otherKey = new ChannelCredentialsRepository(m.app, new CredentialCipher(randomBytes(32)));
  await expect(otherKey.get(a.tenantId, 'SMS')).rejects.toBeInstanceOf(CredentialDecryptError);
  await expect(repo.get('', 'SMS')).rejects.toBeInstanceOf(MissingTenantError);
  await expect(repo.put('', sms('x'), null)).rejects.toBeInstanceOf(MissingTenantError);
});
