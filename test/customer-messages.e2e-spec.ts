/**
 * Every customer hears back (件件有回音), for real: the outbox row written with the step, the worker's
 * delivery loop, the providers' own protocols on local servers (SMTP, the Aliyun-shaped SMS API),
 * and the complaint's workflow recording each outcome — delivered (meeting the reply deadlines),
 * failed with the provider's reason, deferred by quiet hours, opted out — and a worker killed
 * between the step and the send.
 */
import { instantToZoned } from '../libs/domain/src/calendar/zoned-time.util';
import { Group, complaintInput, provisionGroup } from './support/fixtures';
import { SmsProvider, startSmsProvider } from './support/providers/sms-provider';
import { SmtpProvider, startSmtpProvider } from './support/providers/smtp-provider';
import { Stack, eventually } from './support/stack';
import { openChromium } from './support/browser';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id reference } }`;
const MESSAGES = `query($id: ID!) { complaint(id: $id) { status timeline { type data } customerMessages { kind channel recipient status attempts failureReason notBefore body } } }`;
const SET_CHANNEL = `mutation($c: MessageChannel!, $config: JSON!) { setMessageChannel(channel: $c, config: $config) { channel configured } }`;
const SMS_ACCOUNT = { accessKeyId: 'LTAItestkey01', accessKeySecret: 'test-secret-for-sms' };
const MAIL_ACCOUNT = { user: 'notify', pass: 'mail-pass' };
const NO_QUIET_HOURS = { quietStart: '00:00', quietEnd: '00:00', urgentSeverities: ['MAJOR'], messagesMeetDeadlines: true };

interface Message { kind: string; channel: string; recipient: string | null; status: string; attempts: number; failureReason: string | null; notBefore: string; body: string }
interface Event { type: string; data: Record<string, unknown> }

async function configureChannels(stack: Stack, g: Group, sms: SmsProvider, mail: SmtpProvider): Promise<void> {
  await stack.ok(SET_CHANNEL, { c: 'SMS', config: { endpoint: sms.url, ...SMS_ACCOUNT, signName: '物业服务', templateCode: 'SMS_100001' } }, g.tokens.headOffice);
  await stack.ok(SET_CHANNEL, { c: 'EMAIL', config: { host: mail.host, port: mail.port, secure: false, ...MAIL_ACCOUNT, from: 'service@estate.example' } }, g.tokens.headOffice);
}

describe('messages to the customer', () => {
  let stack: Stack;
  let g: Group;
  let sms: SmsProvider;
  let mail: SmtpProvider;
  let seq = 0;

  beforeAll(async () => {
    [sms, mail] = await Promise.all([startSmsProvider(SMS_ACCOUNT), startSmtpProvider(MAIL_ACCOUNT)]);
    stack = await Stack.start('customer_messages');
    g = await provisionGroup(stack, 'Messages Group', 'pm-branch', 'MS01');
    await configureChannels(stack, g, sms, mail);
    // No quiet hours (equal times), so text messages go at any hour the suite runs; the quiet-hours test sets its own.
    await stack.ok(`mutation($o: JSON!) { setPolicy(overrides: $o) { id } }`, { o: { notifications: NO_QUIET_HOURS } }, g.tokens.headOffice);
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all([sms?.stop(), mail?.stop()]);
  });

  const submit = async (extra: Record<string, unknown> = {}): Promise<{ id: string; reference: string }> => {
    seq += 1;
    return (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, `msg-${seq}`, { complainant: { name: '李女士', phone: `139${String(10_000_000 + seq)}`, unit: '2-501' }, ...extra }) }, g.tokens.dispatcher)).submitComplaint;
  };
  const read = async (id: string): Promise<{ status: string; timeline: Event[]; customerMessages: Message[] }> =>
    (await stack.ok(MESSAGES, { id }, g.tokens.headOffice)).complaint;
  const until = <T>(what: () => Promise<T | undefined>, ms = 30_000): Promise<T> => eventually(what, ms, 200);

  it('sends the acknowledgement by e-mail to a customer who wrote in, with the reference in Chinese, and the timeline says it arrived', async () => {
    const c = await submit({ channel: 'EMAIL', complainant: { name: '赵先生', phone: null, unit: '5-1201', email: 'zhao@example.cn' } });
    const got = await until(async () => mail.received.find((m) => m.to.includes('zhao@example.cn')));
    expect(got.subject).toContain(c.reference);
    expect(got.text).toContain(`您的投诉已受理，编号 ${c.reference}`);
    const after = await until(async () => {
      const r = await read(c.id);
      return r.timeline.some((e) => e.type === 'CUSTOMER_MESSAGE_DELIVERED') ? r : undefined;
    });
    expect(after.customerMessages[0]).toMatchObject({ kind: 'ACKNOWLEDGEMENT', channel: 'EMAIL', recipient: 'z***@example.cn', status: 'DELIVERED', attempts: 1 });
    expect(mail.received.filter((m) => m.to.includes('zhao@example.cn'))).toHaveLength(1);

    // The status link in the message opens the customer's page in a real browser (this gateway's address, the link's token).
    const link = /https?:\/\/\S+?(\/s\/[A-Za-z0-9_.-]+)/.exec(got.text ?? '');
    expect(link).not.toBeNull();
    const browser = await openChromium('customer-link', { locale: 'zh-CN' });
    try {
      const res = await browser.page.goto(`${stack.url.replace(/\/graphql$/, '')}${(link as RegExpExecArray)[1]}`);
      expect(res?.status()).toBe(200);
      const text = await browser.page.innerText('body');
      expect(text).toContain(c.reference);
      expect(text).toContain('受理中');
      expect(text).not.toContain('赵先生');
    } finally {
      await browser.close();
    }
  });

  it('retries through a provider outage and sends once; the progress message then meets CUSTOMER_REPLY', async () => {
    sms.failNext(2, 'outage');
    const c = await submit();
    const phone = `139${String(10_000_000 + seq)}`;
    await until(async () => ((await read(c.id)).customerMessages[0]?.status === 'DELIVERED' ? true : undefined));
    const [ack] = (await read(c.id)).customerMessages;
    expect(ack.attempts).toBe(3);
    expect(sms.received.filter((m) => m.phoneNumbers === phone)).toHaveLength(1);
    expect(sms.received.find((m) => m.phoneNumbers === phone)?.templateParam.content).toContain(c.reference);

    await stack.ok(`mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a) { id } }`, { id: c.id, a: g.handler }, g.tokens.dispatcher);
    const done = await until(async () => {
      const r = await read(c.id);
      return r.timeline.some((e) => e.type === 'DEADLINE_MET' && e.data.kind === 'CUSTOMER_REPLY') ? r : undefined;
    });
    const types = done.timeline.map((e) => e.type);
    expect(types.lastIndexOf('CUSTOMER_MESSAGE_DELIVERED')).toBeLessThan(types.findIndex((e, i) => e === 'DEADLINE_MET' && done.timeline[i].data.kind === 'CUSTOMER_REPLY'));
    expect(sms.received.filter((m) => m.phoneNumbers === phone)).toHaveLength(2);
  });

  it('puts a refused message on the timeline with the provider\'s reason, and it meets nothing', async () => {
    sms.failNext(1, 'refuse');
    const c = await submit();
    const r = await until(async () => {
      const x = await read(c.id);
      return x.timeline.some((e) => e.type === 'CUSTOMER_MESSAGE_FAILED') ? x : undefined;
    });
    const failed = r.timeline.find((e) => e.type === 'CUSTOMER_MESSAGE_FAILED') as Event;
    expect(String(failed.data.reason)).toContain('isv.MOBILE_NUMBER_ILLEGAL');
    expect(r.customerMessages[0]).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(r.timeline.some((e) => e.type === 'DEADLINE_MET' && e.data.kind === 'CUSTOMER_REPLY')).toBe(false);
  });

  it('sends nothing to a customer who opted out, and says so on the timeline', async () => {
    const c = await submit();
    const phone = `139${String(10_000_000 + seq)}`;
    await until(async () => ((await read(c.id)).customerMessages[0]?.status === 'DELIVERED' ? true : undefined));
    expect(await stack.ok(`mutation($id: ID!) { setComplainantOptOut(complaintId: $id, optOut: true) { id } }`, { id: c.id }, g.tokens.dispatcher))
      .toEqual({ setComplainantOptOut: { id: c.id } });
    await stack.ok(`mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a) { id } }`, { id: c.id, a: g.handler }, g.tokens.dispatcher);
    const r = await until(async () => {
      const x = await read(c.id);
      return x.timeline.some((e) => e.type === 'CUSTOMER_MESSAGE_FAILED' && e.data.status === 'OPTED_OUT') ? x : undefined;
    });
    expect(r.customerMessages.map((m) => m.status)).toEqual(['DELIVERED', 'OPTED_OUT']);
    expect(sms.received.filter((m) => m.phoneNumbers === phone)).toHaveLength(1);
    // Another branch's manager cannot opt the customer out (the complaint is not theirs to see).
    const other = await stack.gql(`mutation($id: ID!) { setComplainantOptOut(complaintId: $id, optOut: false) { id } }`, { id: c.id }, g.tokens.otherBranchManager);
    expect(other.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('defers a text message in the branch\'s quiet hours to their end, while an emergency goes at once', async () => {
    // Quiet hours around the branch's present local time (Asia/Shanghai), so the test runs at any hour.
    const local = instantToZoned(Date.now(), 'Asia/Shanghai');
    const hhmm = (h: number): string => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const end = hhmm(local.hour + 2);
    await stack.ok(`mutation($o: JSON!) { setPolicy(overrides: $o) { id } }`, { o: { notifications: { quietStart: hhmm(local.hour - 1), quietEnd: end, urgentSeverities: ['MAJOR'], messagesMeetDeadlines: true } } }, g.tokens.headOffice);
    const quiet = await submit();
    const urgent = await submit({ emergency: true });
    const phone = `139${String(10_000_000 + seq - 1)}`;
    await until(async () => ((await read(urgent.id)).customerMessages[0]?.status === 'DELIVERED' ? true : undefined));
    const [waiting] = (await read(quiet.id)).customerMessages;
    expect(waiting.status).toBe('QUEUED');
    const at = instantToZoned(Date.parse(waiting.notBefore), 'Asia/Shanghai');
    expect(`${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}`).toBe(end);
    expect(Date.parse(waiting.notBefore)).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(sms.received.filter((m) => m.phoneNumbers === phone)).toHaveLength(0);
    await stack.ok(`mutation($o: JSON!) { setPolicy(overrides: $o) { id } }`, { o: { notifications: NO_QUIET_HOURS } }, g.tokens.headOffice);
  });
});

describe('a worker killed between the step and the send', () => {
  let stack: Stack;
  let g: Group;
  let mail: SmtpProvider;

  beforeAll(async () => {
    mail = await startSmtpProvider(MAIL_ACCOUNT);
    // A worker process that queues messages but sends none (its delivery loop is off): it will be killed.
    stack = await Stack.start('customer_messages_kill', { worker: 'process', workerEnv: { DELIVERY_ENABLED: 'false' } });
    g = await provisionGroup(stack, 'Kill Group', 'pm-branch', 'MK01');
    await stack.ok(SET_CHANNEL, { c: 'EMAIL', config: { host: mail.host, port: mail.port, secure: false, ...MAIL_ACCOUNT, from: 'service@estate.example' } }, g.tokens.headOffice);
  });
  afterAll(async () => {
    await stack?.stop();
    await mail?.stop();
  });

  it('sends exactly one message once another worker takes over, however often the step is retried', async () => {
    const input = complaintInput(g.branchId, 'kill-1', { channel: 'EMAIL', complainant: { name: '钱女士', phone: null, unit: '1-101', email: 'qian@example.cn' } });
    const c = (await stack.ok(SUBMIT, { input }, g.tokens.dispatcher)).submitComplaint;
    const [queued]: { status: string }[] = await stack.db.query(`SELECT status FROM outbound_messages WHERE complaint_id = $1`, [c.id]);
    expect(queued.status).toBe('QUEUED');
    // Killed (SIGKILL) with the message committed and unsent.
    stack.killWorkerProcess();
    // As if a worker had claimed it and died too: the next one sends it once the lease (3 s) has run out.
    await stack.db.query(`SELECT * FROM claim_due_messages(10, 10, interval '3 seconds')`);
    const claimedAt = Date.now();
    await stack.startWorker();
    await eventually(async () => (mail.received.some((m) => m.to.includes('qian@example.cn')) ? true : undefined), 30_000, 200);
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(2500);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mail.received.filter((m) => m.to.includes('qian@example.cn'))).toHaveLength(1);
    const rows: { status: string }[] = await stack.db.query(`SELECT status FROM outbound_messages WHERE complaint_id = $1`, [c.id]);
    expect(rows).toEqual([{ status: 'DELIVERED' }]);
  });
});
