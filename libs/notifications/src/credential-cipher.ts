import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'crypto';

// Channel credentials at rest: AES-256-GCM under CREDENTIALS_KEY (32 bytes, base64). Each value is
// bound to its row (tenant and channel as additional authenticated data), so a ciphertext copied
// into another tenant's row does not decrypt there.
const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// The dev stack's key when CREDENTIALS_KEY is unset (never in production: see credentialKeyFromEnv).
const DEV_KEY_SEED = 'complaint-platform development credentials key (not for production)';

export class CredentialKeyError extends Error {}

/** Decryption refused: the key is not the one the value was written with, or the value was altered. */
export class CredentialDecryptError extends Error {
  constructor() {
    super('channel credentials could not be decrypted: wrong CREDENTIALS_KEY, or the stored value was altered');
  }
}

export class CredentialCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new CredentialKeyError('a credentials key is 32 bytes');
    this.key = Buffer.from(key);
  }

  /** version (1 byte) | iv (12) | tag (16) | ciphertext of the JSON of `value`. */
  encrypt(value: unknown, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(stored: Buffer, context: string): unknown {
    if (stored.length < 1 + IV_BYTES + TAG_BYTES || stored[0] !== FORMAT_VERSION) throw new CredentialDecryptError();
    const iv = stored.subarray(1, 1 + IV_BYTES);
    const tag = stored.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    let plain: string;
    try {
      plain = Buffer.concat([decipher.update(stored.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new CredentialDecryptError();
    }
    return JSON.parse(plain) as unknown;
  }
}

/**
 * The credentials key from the environment: CREDENTIALS_KEY, base64 of 32 bytes. Unset outside
 * production, a fixed development key (with a warning): credentials stored with it are readable by
 * anyone with the source code. In production (NODE_ENV=production) an unset key refuses to start.
 */
export function credentialKeyFromEnv(env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = defaultWarn): Buffer {
  const configured = env.CREDENTIALS_KEY;
  if (configured === undefined || configured.trim() === '') {
    if (env.NODE_ENV === 'production') {
      throw new CredentialKeyError('CREDENTIALS_KEY is required in production (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)');
    }
    warn('CREDENTIALS_KEY is not set: channel credentials are encrypted with the development key (set CREDENTIALS_KEY in production)');
    return createHash('sha256').update(DEV_KEY_SEED).digest();
  }
  const key = Buffer.from(configured.trim(), 'base64');
  if (key.length !== 32 || key.toString('base64') !== configured.trim()) {
    throw new CredentialKeyError('CREDENTIALS_KEY must be the base64 of exactly 32 bytes');
  }
  return key;
}

let warned = false;
function defaultWarn(message: string): void {
  if (warned) return;
  warned = true;
  process.emitWarning(message, { code: 'CREDENTIALS_KEY_UNSET' });
}

let shared: CredentialCipher | null = null;

/** The process's cipher, keyed from the environment on first use (throws in production without a key). */
export function defaultCredentialCipher(): CredentialCipher {
  shared ??= new CredentialCipher(credentialKeyFromEnv());
  return shared;
}

/** The additional authenticated data of a stored credential: the row it belongs to. */
export function credentialContext(tenantId: string, channel: string): string {
  return `channel_credentials:${tenantId}:${channel}`;
}
