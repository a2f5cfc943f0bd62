import { createHash } from 'crypto';
import * as nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { ChannelAdapter, ChannelCredentials, ChannelMessage, EmailCredentials, SendResult } from '../channel';
import { failed, secretsOf } from './send-support';

// A transport (its pooled connections) unused this long is closed.
const IDLE_CLOSE_MS = 60_000;
// nodemailer's codes for a connection that failed or broke: a later attempt can succeed.
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

interface CachedTransport {
  transport: Transporter;
  lastUsed: number;
  busy: number;
}

/** The RFC 5322 Message-ID of a message: from its idempotency key, so a resend is recognisably the same message. */
export function emailMessageId(idempotencyKey: string, from: string): string {
  const local = /^[A-Za-z0-9._-]{1,128}$/.test(idempotencyKey) ? idempotencyKey : createHash('sha256').update(idempotencyKey).digest('hex');
  const domain = /@([A-Za-z0-9.-]+)$/.exec(from)?.[1] ?? 'complaint-platform.local';
  return `<${local}@${domain}>`;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The message as text, and as simple HTML with the link. */
export function emailBodies(message: ChannelMessage): { text: string; html: string } {
  const text = message.link && !message.body.includes(message.link) ? `${message.body}\n\n${message.link}` : message.body;
  const paragraphs = message.body.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n');
  const link = message.link && /^https?:\/\//.test(message.link) ? `\n<p><a href="${escapeHtml(message.link)}">${escapeHtml(message.link)}</a></p>` : '';
  return { text, html: `<!doctype html>\n<html lang="zh-CN"><meta charset="utf-8"><body>\n${paragraphs}${link}\n</body></html>` };
}

/** E-mail over SMTP (nodemailer), one pooled transport per account, closed when idle. */
export class EmailSmtpAdapter implements ChannelAdapter {
  readonly channel = 'EMAIL' as const;
  private readonly transports = new Map<string, CachedTransport>();
  private sweeper: NodeJS.Timeout | null = null;

  async send(message: ChannelMessage, credentials: ChannelCredentials, opts: { timeoutMs: number }): Promise<SendResult> {
    if (credentials.channel !== 'EMAIL') throw new Error(`e-mail adapter given ${credentials.channel} credentials`);
    const secrets = secretsOf(credentials);
    const key = transportKey(credentials);
    const cached = this.transport(key, credentials, opts.timeoutMs);
    cached.busy++;
    let timer: NodeJS.Timeout | undefined;
    try {
      const { text, html } = emailBodies(message);
      const sending = cached.transport.sendMail({
        from: credentials.fromName ? { name: credentials.fromName, address: credentials.from } : credentials.from,
        to: message.recipient,
        subject: message.subject ?? message.body.split('\n')[0].slice(0, 80),
        text, html,
        messageId: emailMessageId(message.idempotencyKey, credentials.from),
      }) as Promise<{ messageId: string }>;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
      });
      const outcome = await Promise.race([sending, timedOut]);
      if (outcome === 'timeout') {
        // The connection is in an unknown state: close this transport, the next send opens a new one.
        sending.catch(() => undefined);
        this.drop(key);
        return failed(true, `EMAIL timeout after ${opts.timeoutMs} ms`, secrets);
      }
      return { ok: true, providerMessageId: outcome.messageId };
    } catch (err) {
      return smtpFailure(err, secrets);
    } finally {
      if (timer) clearTimeout(timer);
      cached.busy--;
      cached.lastUsed = Date.now();
    }
  }

  /** Closes every transport (shutdown, tests). */
  close(): void {
    for (const key of [...this.transports.keys()]) this.drop(key);
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private transport(key: string, c: EmailCredentials, timeoutMs: number): CachedTransport {
    const known = this.transports.get(key);
    if (known) return known;
    const transport = nodemailer.createTransport({
      pool: true, maxConnections: 2, host: c.host, port: c.port, secure: c.secure, auth: { user: c.user, pass: c.pass },
      connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs,
      // nodemailer logs nothing unless asked; never its transcript, which would include the AUTH exchange.
      logger: false, debug: false,
    });
    const made = { transport, lastUsed: Date.now(), busy: 0 };
    this.transports.set(key, made);
    this.sweeper ??= setInterval(() => this.sweep(), IDLE_CLOSE_MS / 2).unref();
    return made;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, t] of this.transports) if (t.busy === 0 && now - t.lastUsed > IDLE_CLOSE_MS) this.drop(key);
    if (this.transports.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  private drop(key: string): void {
    const t = this.transports.get(key);
    this.transports.delete(key);
    t?.transport.close();
  }
}

// Transports are cached by a hash of the whole account (the secret included): a tenant that changes
// its account gets a new transport, and no two accounts ever share one.
function transportKey(c: EmailCredentials): string {
  return createHash('sha256').update(JSON.stringify([c.host, c.port, c.secure, c.user, c.pass])).digest('hex');
}

/** An SMTP failure: 5xx replies are refusals of this message, 4xx and broken connections are temporary. */
function smtpFailure(err: unknown, secrets: readonly string[]): SendResult {
  const e = err as { code?: unknown; responseCode?: unknown; response?: unknown; command?: unknown };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const code = typeof e.code === 'string' ? e.code : 'ERROR';
  // The server's reply line; never the error message (which can quote the command sent).
  const response = typeof e.response === 'string' ? e.response.slice(0, 200) : '';
  if (responseCode !== null) {
    return failed(responseCode < 500, `EMAIL ${responseCode}${response ? ` ${response}` : ''}`, secrets);
  }
  return failed(CONNECTION_CODES.has(code) || code === 'ERROR', `EMAIL ${code}`, secrets);
}
