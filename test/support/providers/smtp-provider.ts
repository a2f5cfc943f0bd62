import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { FailureKind, FailurePlan } from './provider-support';

/** One message the server accepted, parsed. */
export interface ReceivedMail {
  messageId: string | undefined;
  from: string;
  to: string[];
  subject: string | undefined;
  text: string | undefined;
  html: string | false;
  /** The SMTP envelope (MAIL FROM / RCPT TO). */
  envelope: { from: string | null; to: string[] };
  /** The user that authenticated. */
  user: string | undefined;
}

export interface SmtpProvider {
  host: string;
  port: number;
  received: ReceivedMail[];
  /** Every message attempt past RCPT with its outcome ('OK', the reply code, 'timeout'). */
  requests: { outcome: string }[];
  /** Failed logins (wrong user or password). */
  authFailures(): number;
  /** The next `n` messages fail: 'outage' 451 at DATA, 'timeout' no answer to DATA, 'refuse' 550 at RCPT. */
  failNext(n: number, kind: FailureKind, code?: string): void;
  stop(): Promise<void>;
}

/**
 * A local SMTP server (smtp-server) requiring AUTH PLAIN/LOGIN with one account, without TLS;
 * accepted messages are parsed with mailparser. It can refuse a recipient, fail the data
 * transfer temporarily, or hang.
 */
export async function startSmtpProvider(account: { user: string; pass: string }): Promise<SmtpProvider> {
  const plan = new FailurePlan();
  const received: ReceivedMail[] = [];
  const requests: { outcome: string }[] = [];
  const hanging = new Set<() => void>();
  let failedLogins = 0;
  // A failure planned at RCPT applies to the message's DATA too (one plan entry per message).
  const perSession = new WeakMap<object, { kind: FailureKind; code?: string } | null>();
  const server = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS'], authMethods: ['PLAIN', 'LOGIN'], allowInsecureAuth: true, logger: false, closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      if (auth.username === account.user && auth.password === account.pass) return callback(null, { user: auth.username });
      failedLogins++;
      const err = Object.assign(new Error('Invalid username or password'), { responseCode: 535 });
      return callback(err);
    },
    onRcptTo(_address, session, callback) {
      const failure = plan.take();
      perSession.set(session, failure);
      if (failure?.kind === 'refuse') {
        requests.push({ outcome: failure.code ?? '550' });
        return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: Number(failure.code ?? 550) }));
      }
      return callback();
    },
    onData(stream, session, callback) {
      const failure = perSession.get(session) ?? null;
      perSession.delete(session);
      void (async () => {
        const parsed = await simpleParser(stream);
        if (failure?.kind === 'timeout') {
          requests.push({ outcome: 'timeout' });
          // Never answers the end of DATA (stop() releases it).
          await new Promise<void>((resolve) => hanging.add(resolve));
          return callback(Object.assign(new Error('Shutting down'), { responseCode: 421 }));
        }
        if (failure?.kind === 'outage') {
          requests.push({ outcome: failure.code ?? '451' });
          return callback(Object.assign(new Error('Requested action aborted: local error in processing'), { responseCode: Number(failure.code ?? 451) }));
        }
        const addresses = (v: typeof parsed.to): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((a) => a.value.map((x) => x.address ?? '')));
        received.push({
          messageId: parsed.messageId, from: parsed.from?.value[0]?.address ?? '', to: addresses(parsed.to), subject: parsed.subject,
          text: parsed.text, html: parsed.html ?? false,
          envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null, to: session.envelope.rcptTo.map((r) => r.address) },
          user: session.user as string | undefined,
        });
        requests.push({ outcome: 'OK' });
        callback();
      })().catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    host: '127.0.0.1', port, received, requests, authFailures: () => failedLogins,
    failNext: (n, kind, code) => plan.add(n, kind, code),
    stop: () => new Promise<void>((resolve) => {
      for (const release of hanging) release();
      hanging.clear();
      server.close(() => resolve());
    }),
  };
}
