// Same-matter upgrade: a matter of 50 running complaints (49 from one household, so no rule fires),
// then a collective complaint of 5 households is linked to it, crossing pm-branch's threshold. The
// matter workflow signals every complaint of the matter from an activity; measured: from the
// threshold-crossing link until the last running complaint's row shows MAJOR (and each one's time).
import { Client } from 'pg';
import { fmtLatency, intFromEnv, runPool, summarize } from '../stats';
import type { BenchSection, BenchStack } from '../types';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id } }`;
const LINK = `mutation($id: ID!, $other: ID!) { linkSameMatter(id: $id, otherId: $other) { matterId } }`;
const MATTER_SIZE = 50;

async function submit(stack: BenchStack, key: string, i: number, households = 1): Promise<string> {
  const b = stack.tenant.branches[0];
  const input = {
    idempotencyKey: key, branchId: b.id, channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT',
    description: `电梯又坏了 — the lift of building 8 is out again (#${i})`, location: 'Building 8, lift',
    complainant: { name: `业主${i}`, phone: `1380${String(i).padStart(7, '0')}`, unit: households > 1 ? `8-${900 + i}` : '8-801' },
    householdsAffected: households,
  };
  return (await stack.gql<{ submitComplaint: { id: string } }>(SUBMIT, { input }, stack.tenant.tokens.dispatchers[0])).submitComplaint.id;
}

export const matterSection: BenchSection = {
  id: 'matter',
  title: 'Same matter: threshold-crossing link → every running complaint of a 50-complaint matter upgraded',
  needsStack: true,
  async run({ stack, say, stopping }) {
    if (!stack) throw new Error('matter needs the stack');
    const runs = intFromEnv('BENCH_MATTER_RUNS', 5);
    const token = stack.tenant.tokens.dispatchers[0];
    const tag = Math.random().toString(36).slice(2, 8);
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const lastMs: number[] = [];
    const eachMs: number[] = [];
    const linkMs: number[] = [];
    const from = performance.now();
    try {
      say(`matter: ${runs} runs of a ${MATTER_SIZE}-complaint matter upgraded by one threshold-crossing link…`);
      for (let r = 0; r < runs && !stopping(); r += 1) {
        const ids: string[] = new Array(MATTER_SIZE - 1);
        await runPool(MATTER_SIZE - 1, 8, async (i) => void (ids[i] = await submit(stack, `matter-${tag}-${r}-${i}`, r * 100 + i)));
        for (const id of ids.slice(1)) await stack.gql(LINK, { id: ids[0], other: id }, token);
        const collective = await submit(stack, `matter-${tag}-${r}-collective`, r * 100 + 99, 5);
        const all = [...ids, collective];
        const seen = new Map<string, number>();
        const t0 = performance.now();
        await stack.gql(LINK, { id: collective, other: ids[0] }, token);
        linkMs.push(performance.now() - t0);
        const deadline = t0 + 120_000;
        while (seen.size < all.length && performance.now() < deadline && !stopping()) {
          const rows = (await db.query(`SELECT id FROM complaints WHERE id = ANY($1::uuid[]) AND severity = 'MAJOR'`, [all])).rows as { id: string }[];
          const now = performance.now();
          for (const row of rows) if (!seen.has(row.id)) seen.set(row.id, now - t0);
          if (seen.size < all.length) await new Promise((res) => setTimeout(res, 10));
        }
        if (seen.size < all.length) throw new Error(`run ${r}: only ${seen.size} of ${all.length} complaints upgraded within 120 s`);
        // The collective complaint may be MAJOR from its own intake: only the others measure the fan-out.
        const others = ids.map((id) => seen.get(id) as number);
        eachMs.push(...others);
        lastMs.push(Math.max(...others));
      }
    } finally {
      await db.end();
    }
    const to = performance.now();
    const last = summarize(lastMs);
    const each = summarize(eachMs);
    const link = summarize(linkMs);
    return {
      id: 'matter',
      title: this.title,
      window: { from, to },
      metrics: [
        { label: 'runs (matter size)', value: `${lastMs.length} (${MATTER_SIZE})` },
        { label: 'link → last complaint upgraded p50/p95/p99', value: fmtLatency(last) },
        { label: 'link → each complaint upgraded p50/p95/p99', value: fmtLatency(each) },
        { label: 'linkSameMatter p50/p95/p99', value: fmtLatency(link) },
      ],
      data: { runs: lastMs.length, matterSize: MATTER_SIZE, lastUpgradedMs: last, eachUpgradedMs: each, linkMs: link },
    };
  },
};
