import { randomBytes } from 'crypto';
import { CredentialCipher, CredentialDecryptError, CredentialKeyError, credentialContext, credentialKeyFromEnv } from './credential-cipher';

const TENANT = '11111111-1111-4111-8111-111111111111';
const config = { channel: 'SMS', endpoint: 'https://dysmsapi.aliyuncs.com', accessKeyId: 'LTAI5tKeyId', accessKeySecret: 'very-secret-value', signName: '阳光物业', templateCode: 'SMS_1' };

describe('credential cipher (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const cipher = new CredentialCipher(key);
  const context = credentialContext(TENANT, 'SMS');

  it('round-trips a configuration, and the stored bytes do not contain it', () => {
    const stored = cipher.encrypt(config, context);
    expect(cipher.decrypt(stored, context)).toEqual(config);
    expect(stored.toString('latin1')).not.toContain('very-secret-value');
    expect(stored.toString('utf8')).not.toContain('阳光物业');
    // A fresh IV each time: the same configuration never encrypts to the same bytes.
    expect(cipher.encrypt(config, context).equals(stored)).toBe(false);
  });

  it('refuses a tampered ciphertext', () => {
    const stored = cipher.encrypt(config, context);
    for (const at of [1, 20, stored.length - 1]) {
      const altered = Buffer.from(stored);
      altered[at] ^= 0x01;
      expect(() => cipher.decrypt(altered, context)).toThrow(CredentialDecryptError);
    }
    expect(() => cipher.decrypt(stored.subarray(0, 10), context)).toThrow(CredentialDecryptError);
  });

  it('refuses the wrong key, and a value moved to another tenant or channel', () => {
    const stored = cipher.encrypt(config, context);
    expect(() => new CredentialCipher(randomBytes(32)).decrypt(stored, context)).toThrow(CredentialDecryptError);
    expect(() => cipher.decrypt(stored, credentialContext('22222222-2222-4222-8222-222222222222', 'SMS'))).toThrow(CredentialDecryptError);
    expect(() => cipher.decrypt(stored, credentialContext(TENANT, 'EMAIL'))).toThrow(CredentialDecryptError);
  });

  it('takes CREDENTIALS_KEY as base64 of 32 bytes and refuses anything else', () => {
    const k = randomBytes(32);
    expect(credentialKeyFromEnv({ CREDENTIALS_KEY: k.toString('base64') }).equals(k)).toBe(true);
    expect(() => credentialKeyFromEnv({ CREDENTIALS_KEY: randomBytes(16).toString('base64') })).toThrow(CredentialKeyError);
    expect(() => credentialKeyFromEnv({ CREDENTIALS_KEY: 'not base64 at all!' })).toThrow(CredentialKeyError);
  });

  it('derives a development key with a warning when unset, and refuses to start without one in production', () => {
    const warnings: string[] = [];
    const dev = credentialKeyFromEnv({ NODE_ENV: 'development' }, (m) => warnings.push(m));
    expect(dev).toHaveLength(32);
    expect(warnings).toEqual([expect.stringContaining('CREDENTIALS_KEY is not set')]);
    expect(() => credentialKeyFromEnv({ NODE_ENV: 'production' }, () => undefined)).toThrow(/CREDENTIALS_KEY is required in production/);
    expect(() => credentialKeyFromEnv({ NODE_ENV: 'production', CREDENTIALS_KEY: '' }, () => undefined)).toThrow(CredentialKeyError);
  });
});
