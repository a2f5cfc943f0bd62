// The soak's steady load: complaints submitted at a fixed rate (open loop) over both gateways, and
// staff actions on accepted ones (dispatch; for every other one also acknowledge, follow-up,
// resolve), each mutation with its own retry key and retried by mutate().
import { mutate } from './client';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id } }`;
const DISPATCH = `mutation($id: ID!, $a: ID!, $note: String, $r: String) { dispatchComplaint(id: $id, assigneeId: $a, note: $note, requestId: $r) { id } }`;
const ACKNOWLEDGE = `mutation($id: ID!, $r: String) { acknowledgeComplaint(id: $id, requestId: $r) { id } }`;
const FOLLOW_UP = `mutation($id: ID!, $note: String!, $r: String) { recordFollowUp(id: $id, note: $note, customerInformed: true, requestId: $r) { id } }`;
const RESOLVE = `mutation($id: ID!, $res: String!, $r: String) { resolveComplaint(id: $id, resolution: $res, customerSigned: true, requestId: $r) { id } }`;

/** Past this many mutations in flight, new arrivals wait (a bound on memory during a long outage). */
const MAX_IN_FLIGHT = 600;

export interface SoakBranch {
  id: string;
  dispatcherToken: string;
  handlerId: string;
  handlerToken: string;
}

export interface LoadStats {
  intakeAccepted: number;
  intakeFailed: number;
  intakeAttempts: number;
  staffAccepted: number;
  staffFailed: number;
  staffAttempts: number;
  inFlight: number;
}

export class SoakLoad {
  /** When each accepted intake got its success answer (ms since epoch), ascending. */
  readonly intakeAcceptedAt: number[] = [];
  /** Idempotency keys of accepted intakes. */
  readonly acceptedIntakeKeys = new Set<string>();
  /** Accepted staff actions: requestId → complaint id. */
  readonly acceptedActions = new Map<string, string>();
  readonly failures: string[] = [];
  readonly stats: LoadStats = { intakeAccepted: 0, intakeFailed: 0, intakeAttempts: 0, staffAccepted: 0, staffFailed: 0, staffAttempts: 0, inFlight: 0 };
  private readonly pending = new Set<Promise<void>>();
  private ticking: NodeJS.Timeout | undefined;
  private arrivals = 0;

  constructor(
    private readonly urls: readonly string[],
    private readonly branches: readonly SoakBranch[],
    /** Prefix of every idempotency key and requestId of this run. */
    readonly keyPrefix: string,
    private readonly stopping: () => boolean,
  ) {}

  /** Starts the arrivals: `rate` complaints per second until stopArrivals(). */
  start(rate: number): void {
    const intervalMs = 1000 / rate;
    const began = Date.now();
    // Arrivals follow the clock, not the timer: a late tick submits what is due (fixed rate).
    const tick = (): void => {
      const due = Math.floor((Date.now() - began) / intervalMs) + 1;
      while (this.arrivals < due && this.stats.inFlight < MAX_IN_FLIGHT && !this.stopping()) this.track(this.complaint(this.arrivals++));
    };
    tick();
    this.ticking = setInterval(tick, Math.max(10, Math.min(100, intervalMs / 2)));
  }

  /** Complaints submitted so far (accepted, failed or in flight). */
  get offered(): number {
    return this.arrivals;
  }

  stopArrivals(): void {
    clearInterval(this.ticking);
  }

  /** Resolves once every mutation started has been accepted or given up (bounded by mutate()). */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<void>): void {
    this.stats.inFlight++;
    const done = p.catch((err: unknown) => void this.failures.push(`unexpected: ${(err as Error).message}`)).finally(() => {
      this.stats.inFlight--;
      this.pending.delete(done);
    });
    this.pending.add(done);
  }

  private async complaint(i: number): Promise<void> {
    const b = this.branches[i % this.branches.length];
    const key = `${this.keyPrefix}-${i}`;
    const r = await mutate<{ submitComplaint: { id: string } }>(this.urls, i, SUBMIT, {
      input: {
        idempotencyKey: key, branchId: b.id, channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT',
        description: `Soak complaint #${i}: the lift in building ${1 + (i % 9)} stops between floors`,
        complainant: { name: '张女士', phone: '13800138000', unit: `${1 + (i % 9)}-${1000 + i}` },
      },
    }, b.dispatcherToken, () => false);
    this.stats.intakeAttempts += r.attempts;
    if (!r.ok) {
      this.stats.intakeFailed++;
      this.failures.push(`submit ${key}: ${r.error}`);
      return;
    }
    this.stats.intakeAccepted++;
    this.acceptedIntakeKeys.add(key);
    insertSorted(this.intakeAcceptedAt, r.at);
    if (i % 2 !== 0) return;
    const id = r.data.submitComplaint.id;
    const steps: [string, string, Record<string, unknown>, string][] = [
      ['d', DISPATCH, { id, a: b.handlerId, note: 'Please inspect the lift' }, b.dispatcherToken],
    ];
    if (i % 4 === 0) {
      steps.push(
        ['a', ACKNOWLEDGE, { id }, b.handlerToken],
        ['f', FOLLOW_UP, { id, note: 'Engineer booked for tomorrow morning' }, b.handlerToken],
        ['r', RESOLVE, { id, res: 'Lift controller replaced' }, b.handlerToken],
      );
    }
    // Each step only after the previous one was accepted: the lifecycle allows them in this order.
    for (const [tag, query, vars, token] of steps) {
      const requestId = `${key}-${tag}`;
      const s = await mutate(this.urls, i + 1, query, { ...vars, r: requestId }, token, () => false);
      this.stats.staffAttempts += s.attempts;
      if (!s.ok) {
        this.stats.staffFailed++;
        this.failures.push(`${tag} ${requestId}: ${s.error}`);
        return;
      }
      this.stats.staffAccepted++;
      this.acceptedActions.set(requestId, id);
    }
  }
}

/** Answers arrive nearly in order: insert from the end. */
function insertSorted(list: number[], x: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1] > x) i--;
  list.splice(i, 0, x);
}
