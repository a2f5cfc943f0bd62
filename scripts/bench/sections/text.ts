// Chinese text search at scale, and category suggestions at intake.
//
// 1. A tenant of its own with BENCH_TEXT_SIZE (1,000,000) complaints from the reports bench's
//    generator, then given realistic Chinese text: a pool of a few thousand distinct complaint texts
//    made from the evaluation set (test/fixtures/text-eval/complaints.json) with variations (building
//    and room numbers, complainants' names, clauses swapped, fillers added), each pool entry's search
//    vector computed once in Node (the product's textAnalyzer), and the complaints UPDATEd in
//    set-based batches keyed by row number modulo the pool size (description, demand, location,
//    complainant, unit and search_vector = the pool's vector || reference_lexemes(reference)). A
//    handful of complaints get a rare name of their own. Secondary indexes of `complaints` are
//    dropped during the update and rebuilt from the catalogue (the GIN index on search_vector
//    created if missing), then VACUUM ANALYZE.
// 2. `complaints(first: 20, filter: { text })` through the gateway as the head office, per query
//    kind (a common word, a synonym phrase, a place phrase, rare names, exact references, units, a
//    query with no hits): BENCH_TEXT_QUERIES measured queries each after a warm-up, p50/p95/p99 and
//    the hits (totalCount) per kind; goal p99 ≤ 50 ms.
// 3. suggestCategory(text) over BENCH_TEXT_SUGGESTIONS texts of the evaluation set.
// 4. The old substring search for comparison, in SQL as the application role in a tenant
//    transaction (the page and the bounded count, as the gateway ran them: ILIKE '%…%' over
//    description, reference, complainant_name, location), BENCH_TEXT_OLD_QUERIES per kind (at most
//    BENCH_TEXT_OLD_SECONDS of measuring per kind: each is a scan).
//
//   BENCH_TEXT_SIZE (1000000)          complaints in the text tenant
//   BENCH_TEXT_POOL (3000)             distinct complaint texts in the pool
//   BENCH_TEXT_QUERIES (300)           measured searches per kind (after a tenth as many warm-up, at most 30)
//   BENCH_TEXT_SUGGESTIONS (300)       measured suggestCategory calls (after 10 warm-up)
//   BENCH_TEXT_OLD_QUERIES (20)        measured ILIKE searches per kind (after 1 warm-up)
//   BENCH_TEXT_OLD_SECONDS (60)        measuring time per kind of the ILIKE search, at most
//   BENCH_TEXT_EVAL (test/fixtures/text-eval/complaints.json)   the evaluation set the texts come from
import fs from 'fs';
import path from 'path';
import { Client } from 'pg';
import { signToken } from '../../../apps/gateway/src/auth/jwt.util';
import { applicationDatabaseUrl } from '../../../libs/persistence/src/application-role';
import { textAnalyzer, type TextAnalyzer } from '../../../libs/text/src/text-analyzer';
import type { Say } from '../../infra/output';
import { ROOT } from '../../runtime-config';
import { fmtLatency, intFromEnv, summarize, timed, type LatencySummary } from '../stats';
import { provisionTenant } from '../stack';
import type { BenchSection, BenchStack, Metric } from '../types';
import { generateReportData, growOrganisation } from './reports';
import { seededRandom } from '../../soak/config';

const GOAL_P99_MS = 50;
/** The gateway counts exactly up to this many hits (EXACT_COUNT_UP_TO), as the old search did. */
const COUNT_BOUND = 1000;

const SEARCH = `query($t: String!) { complaints(first: 20, filter: { text: $t }) { totalCount edges { node { id reference } } } }`;
const SUGGEST = `query($t: String!) { suggestCategory(text: $t) { category confidence } }`;

/** One complaint of the evaluation set (the fields the bench uses). */
export interface EvalComplaint {
  id: string;
  description: string;
  demand: string | null;
  location: string | null;
  unit: string | null;
  complainant: string;
}

/** One distinct complaint text of the pool, with its search vector (a tsvector literal). */
export interface PoolEntry {
  description: string;
  demand: string | null;
  location: string | null;
  unit: string | null;
  name: string;
  /** "3栋1201" when the location carries the entry's unit. */
  unitText: string | null;
  vector: string;
}

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const TITLES = ['女士', '先生', '阿姨', '大爷', '小姐', '师傅', '奶奶', '老师'];
const GIVEN = ['晓明', '建国', '丽娟', '志强', '秀英', '海燕', '俊杰', '桂芳', '文博', '雪梅', '国庆', '小红', '子豪', '美玲', '卫东', '淑珍'];
/** Names no other complaint carries (compound surnames): each is given to one complaint. */
const RARE_NAMES = ['欧阳晓岚', '司马文渊', '诸葛清扬', '上官婉晴', '慕容子墨', '东方明远', '皇甫嘉怡', '令狐思源', '尉迟晨曦', '公孙若兰',
  '端木瑾瑜', '南宫云舒', '宇文浩然', '长孙静姝', '夏侯明轩', '独孤慕白', '澹台听雪', '轩辕承志', '百里星河', '呼延青禾'];
// Fillers and openings a phone operator or an owner adds; none holds a word the queries look for.
const FILLERS = ['麻烦尽快处理', '已经反映过好几次了', '希望物业重视一下', '今天早上又是这样', '家里有老人小孩', '请给个答复', '周末也是这样', '打了几次电话'];
const OPENINGS = ['你好，', '业主来电：', '业主微信反映：', '前台登记：', ''];


export function loadEvaluationSet(file: string): EvalComplaint[] {
  if (!fs.existsSync(file)) throw new Error(`text: the evaluation set ${path.relative(ROOT, file)} is missing (BENCH_TEXT_EVAL names another file)`);
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(json)) throw new Error(`text: ${file} is not a JSON array`);
  const items = json.filter((x): x is EvalComplaint => typeof x === 'object' && x !== null && typeof (x as EvalComplaint).description === 'string' && (x as EvalComplaint).description !== '');
  if (items.length === 0) throw new Error(`text: ${file} holds no complaints with a description`);
  return items.map((x) => ({ id: String(x.id), description: x.description, demand: x.demand ?? null, location: x.location ?? null, unit: x.unit ?? null, complainant: x.complainant || '业主' }));
}

/**
 * `size` distinct complaint texts: the evaluation set as written first, then variations of it
 * (numbers changed consistently within an entry, another name, clauses swapped, a filler or an
 * opening added, the unit written into the location as "3栋1201"), each with its search vector.
 */
export function buildPool(items: EvalComplaint[], size: number, analyzer: TextAnalyzer): PoolEntry[] {
  const seen = new Set<string>();
  const pool: PoolEntry[] = [];
  const next = seededRandom(20261130);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  for (let k = 0; pool.length < size && k < size * 20; k++) {
    const item = items[k % items.length];
    const round = Math.floor(k / items.length);
    let { description, location, unit } = item;
    let name = item.complainant;
    const demand = item.demand;
    if (round > 0) {
      // Same number, same new number, within the entry (its "3栋" and its unit "3-1201" stay one building).
      const renumbered = new Map<string, string>();
      const renumber = (s: string | null): string | null => s?.replace(/\d+/g, (d) => {
        let r = renumbered.get(d);
        if (!r) {
          r = d.length >= 3 ? `${1 + Math.floor(next() * 32)}${String(1 + Math.floor(next() * 4)).padStart(2, '0')}` : String(1 + Math.floor(next() * (d.length === 1 ? 9 : 30)));
          renumbered.set(d, r);
        }
        return r;
      }) ?? null;
      description = renumber(description) as string;
      location = renumber(location);
      unit = renumber(unit);
      name = next() < 0.5 ? `${pick(SURNAMES)}${pick(TITLES)}` : `${pick(SURNAMES)}${pick(GIVEN)}`;
      const clauses = description.split(/[，,。；;！!？?\s]+/).filter(Boolean);
      if (clauses.length > 1 && next() < 0.5) clauses.push(clauses.shift() as string);
      if (next() < 0.5) clauses.push(pick(FILLERS));
      description = `${pick(OPENINGS)}${clauses.join('，')}`;
    }
    // The variations write the unit into the location as a front desk would ("3栋1201"): what a unit search finds.
    const [building, room] = (unit ?? '').split('-');
    const unitText = round > 0 && building && room ? `${building}栋${room}` : null;
    if (unitText) location = location ? `${location} ${unitText}` : unitText;
    const key = `${name}|${description}|${location}|${demand}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pool.push({
      description, demand, location, unit, name, unitText,
      vector: analyzer.searchVector({ complainantName: name, description, location, demand }),
    });
  }
  return pool;
}

interface TextData {
  poolSize: number;
  evalItems: number;
  vectorSeconds: number;
  updateSeconds: number;
  indexSeconds: number;
  vacuumSeconds: number;
  references: string[];
  units: string[];
  rareNames: string[];
}

/** Gives the tenant's `n` complaints their texts and search vectors from the pool (as the owner). */
async function writeTexts(db: Client, tenantId: string, n: number, items: EvalComplaint[], say: Say, stopping: () => boolean): Promise<TextData> {
  const analyzer = textAnalyzer();
  const v0 = performance.now();
  const pool = buildPool(items, Math.min(intFromEnv('BENCH_TEXT_POOL', 3000), n), analyzer);
  const vectorSeconds = (performance.now() - v0) / 1000;
  say(`text: a pool of ${pool.length.toLocaleString('en')} distinct texts from ${items.length} evaluation complaints, search vectors in ${vectorSeconds.toFixed(1)} s`);
  await db.query(`SET synchronous_commit = off`);
  await db.query(`SET maintenance_work_mem = '512MB'`);
  await db.query(`SET work_mem = '64MB'`);
  await db.query(`CREATE TEMP TABLE bench_text_pool (k int PRIMARY KEY, description text, demand text, location text, unit text, name text, vector text)`);
  await db.query(
    `INSERT INTO bench_text_pool SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
    [pool.map((_, k) => k), pool.map((p) => p.description), pool.map((p) => p.demand), pool.map((p) => p.location), pool.map((p) => p.unit), pool.map((p) => p.name), pool.map((p) => p.vector)],
  );
  // The tenant's complaints numbered 1…n in the order they were received: batches are ranges of it.
  await db.query(`CREATE TEMP TABLE bench_text_rows AS SELECT id, (row_number() OVER (ORDER BY received_at, id))::int AS n FROM complaints WHERE tenant_id = $1`, [tenantId]);
  await db.query(`CREATE INDEX ON bench_text_rows (n)`);
  await db.query(`ANALYZE bench_text_rows`);
  await db.query(`ANALYZE bench_text_pool`);

  // As the generator does: secondary indexes of complaints dropped while every row is rewritten, built once afterwards.
  const indexes = (await db.query<{ name: string; def: string }>(`
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
    FROM pg_index i
    WHERE i.indrelid = 'complaints'::regclass AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`)).rows;
  for (const ix of indexes) await db.query(`DROP INDEX ${ix.name}`);
  let rebuilt = false;
  const rebuild = async (): Promise<number> => {
    if (rebuilt) return 0;
    rebuilt = true;
    const i0 = performance.now();
    say(`text: building ${indexes.length} indexes of complaints again…`);
    for (const ix of indexes) await db.query(ix.def);
    // The search needs its GIN index (the migration's); made here if the schema lacks it.
    const gin = await db.query(`SELECT 1 FROM pg_indexes WHERE tablename = 'complaints' AND indexdef ILIKE '%USING gin (search_vector)%'`);
    if (gin.rowCount === 0) {
      say('text: complaints has no GIN index on search_vector: creating complaints_search_idx');
      await db.query(`CREATE INDEX complaints_search_idx ON complaints USING gin (search_vector)`);
    }
    return (performance.now() - i0) / 1000;
  };

  const u0 = performance.now();
  let indexSeconds = 0;
  const rareNames: { name: string; n: number }[] = [];
  try {
    const batch = 50_000;
    let lastSay = performance.now();
    for (let lo = 1; lo <= n; lo += batch) {
      if (stopping()) throw new Error('interrupted');
      const hi = Math.min(n, lo + batch - 1);
      await db.query(`
        UPDATE complaints c SET description = p.description, demand = p.demand, location = p.location, complainant_name = p.name,
          complainant_unit = coalesce(p.unit, c.complainant_unit), search_vector = CAST(p.vector AS tsvector) || reference_lexemes(c.reference) || search_time_lexemes(c.tenant_id, c.received_at)
        FROM bench_text_rows r JOIN bench_text_pool p ON p.k = r.n % $3
        WHERE r.n BETWEEN $1 AND $2 AND c.id = r.id`, [lo, hi, pool.length]);
      if (hi === n || performance.now() - lastSay > 10_000) {
        lastSay = performance.now();
        const s = (performance.now() - u0) / 1000;
        say(`text: ${hi.toLocaleString('en')} / ${n.toLocaleString('en')} complaints given their texts in ${s.toFixed(0)} s — ${Math.round(hi / s).toLocaleString('en')}/s`);
      }
    }
    // A few complaints with a name nobody else has (the "rare name" searches find exactly one each).
    const names = RARE_NAMES.slice(0, Math.min(RARE_NAMES.length, n));
    names.forEach((name, j) => rareNames.push({ name, n: 1 + Math.floor(((j + 0.5) * n) / names.length) }));
    const entries = rareNames.map((r) => pool[r.n % pool.length]);
    await db.query(`
      UPDATE complaints c SET complainant_name = u.name, search_vector = CAST(u.vector AS tsvector) || reference_lexemes(c.reference) || search_time_lexemes(c.tenant_id, c.received_at)
      FROM unnest($1::int[], $2::text[], $3::text[]) AS u(n, name, vector) JOIN bench_text_rows r ON r.n = u.n
      WHERE c.id = r.id`, [
      rareNames.map((r) => r.n), rareNames.map((r) => r.name),
      rareNames.map((r, j) => analyzer.searchVector({ complainantName: r.name, description: entries[j].description, location: entries[j].location, demand: entries[j].demand })),
    ]);
  } finally {
    indexSeconds = await rebuild();
  }
  const updateSeconds = (performance.now() - u0) / 1000 - indexSeconds;
  say(`text: VACUUM ANALYZE complaints…`);
  const a0 = performance.now();
  await db.query(`VACUUM (ANALYZE) complaints`);
  const vacuumSeconds = (performance.now() - a0) / 1000;

  // Exact references to look for (a spread of the tenant's), and units the locations carry.
  const refRows = Array.from({ length: Math.min(50, n) }, (_, j) => 1 + Math.floor(((j + 0.37) * n) / Math.min(50, n)));
  const references = (await db.query<{ reference: string }>(
    `SELECT c.reference FROM bench_text_rows r JOIN complaints c ON c.id = r.id WHERE r.n = ANY($1::int[]) ORDER BY r.n`, [refRows])).rows.map((r) => r.reference);
  const units = [...new Set(pool.map((p) => p.unitText).filter((u): u is string => !!u))].filter((_, j) => j % 7 === 3).slice(0, 30);
  await db.query(`DROP TABLE bench_text_rows, bench_text_pool`);
  say(`text: texts written in ${updateSeconds.toFixed(0)} s, indexes ${indexSeconds.toFixed(0)} s, vacuum/analyze ${vacuumSeconds.toFixed(0)} s`);
  return { poolSize: pool.length, evalItems: items.length, vectorSeconds, updateSeconds, indexSeconds, vacuumSeconds, references, units, rareNames: rareNames.map((r) => r.name) };
}

/** A kind of search: its queries (cycled) and what a correct answer must show. */
interface QueryKind {
  id: string;
  label: string;
  queries: string[];
  /** Each query must find at least one complaint (the bench wrote it). */
  mustHit: boolean;
  /** The query is a reference: its complaint must be on the first page. */
  exactReference?: boolean;
}

interface KindRun {
  kind: QueryKind;
  lat: LatencySummary;
  /** The measured latencies (ms), for the figures over every kind. */
  ms: number[];
  /** totalCount per distinct query. */
  hits: Map<string, number>;
  errors: string[];
}

type SearchResult = { complaints: { totalCount: number; edges: { node: { id: string; reference: string } }[] } };

const hitsText = (hits: Map<string, number>): string => {
  const v = [...hits.values()];
  if (v.length === 0) return 'n/a';
  if (v.length === 1) return String(v[0]);
  const min = Math.min(...v);
  const max = Math.max(...v);
  return min === max ? `${min} each` : `${min}–${max}`;
};

/** `runs` sequential searches after `warmup` unmeasured ones. */
async function measureKind(kind: QueryKind, runs: number, warmup: number, call: (q: string) => Promise<{ totalCount: number; references: string[] }>, stopping: () => boolean, maxMs = Infinity): Promise<KindRun> {
  const ms: number[] = [];
  const errors: string[] = [];
  const hits = new Map<string, number>();
  const started = performance.now();
  for (let i = 0; i < warmup + runs && !stopping(); i++) {
    if (i >= warmup + 3 && performance.now() - started > maxMs) break;
    const q = kind.queries[i % kind.queries.length];
    try {
      const r = await timed(() => call(q));
      if (i >= warmup) ms.push(r.ms);
      hits.set(q, r.value.totalCount);
      if (kind.mustHit && r.value.totalCount < 1) throw new Error(`"${q}" found nothing`);
      if (kind.exactReference && !r.value.references.includes(q)) throw new Error(`"${q}": the complaint is not on the first page`);
    } catch (err) {
      errors.push(`${kind.id} #${i}: ${(err as Error).message}`);
    }
  }
  return { kind, lat: summarize(ms), ms, hits, errors };
}

/** The old substring search as the gateway ran it: the page and the bounded count, in a tenant transaction as the application role. */
const OLD_WHERE = `c.tenant_id = $1 AND (c.description ILIKE $2 OR c.reference ILIKE $2 OR c.complainant_name ILIKE $2 OR c.location ILIKE $2)`;
const likeOf = (q: string): string => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

async function inTenantTx<T>(app: Client, tenantId: string, work: () => Promise<T>): Promise<T> {
  await app.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT set_config('app.tenant_id', '${tenantId}', true)`);
  try {
    return await work();
  } finally {
    await app.query('COMMIT');
  }
}

function oldSearch(app: Client, tenantId: string): (q: string) => Promise<{ totalCount: number; references: string[] }> {
  return (q) => inTenantTx(app, tenantId, async () => {
    const page = await app.query<{ reference: string }>(`SELECT c.id, c.reference FROM complaints c WHERE ${OLD_WHERE} ORDER BY c.received_at DESC, c.id DESC LIMIT 21`, [tenantId, likeOf(q)]);
    const count = await app.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM complaints c WHERE ${OLD_WHERE} LIMIT ${COUNT_BOUND + 1}) x`, [tenantId, likeOf(q)]);
    return { totalCount: count.rows[0].n, references: page.rows.map((r) => r.reference) };
  });
}

/** What the old search found in all (the gateway counted beyond the bound once a minute): not timed. */
async function oldExactCount(app: Client, tenantId: string, q: string): Promise<number> {
  return inTenantTx(app, tenantId, async () => (await app.query<{ n: number }>(`SELECT count(*)::int AS n FROM complaints c WHERE ${OLD_WHERE}`, [tenantId, likeOf(q)])).rows[0].n);
}

const verdict = (l: LatencySummary): string => (l.count > 0 && l.p99 <= GOAL_P99_MS ? 'PASS' : 'MISS');

export const textSection: BenchSection = {
  id: 'text',
  title: 'Chinese text search over a large tenant; category suggestions',
  needsStack: true,
  async run({ stack, say, stopping }) {
    if (!stack) throw new Error('text needs the stack');
    const size = intFromEnv('BENCH_TEXT_SIZE', 1_000_000);
    const q = intFromEnv('BENCH_TEXT_QUERIES', 300);
    const warmup = Math.min(30, Math.ceil(q / 10));
    const oldQ = intFromEnv('BENCH_TEXT_OLD_QUERIES', 20);
    const oldMaxMs = intFromEnv('BENCH_TEXT_OLD_SECONDS', 60) * 1000;
    const suggestions = intFromEnv('BENCH_TEXT_SUGGESTIONS', 300);
    const evalFile = path.resolve(ROOT, process.env.BENCH_TEXT_EVAL?.trim() || 'test/fixtures/text-eval/complaints.json');
    const items = loadEvaluationSet(evalFile);
    const errors: string[] = [];

    // A tenant of its own, so no other section's complaints are searched.
    const tenant = await provisionTenant(stack.gql, stack.jwtSecret);
    const scaled: BenchStack = { ...stack, tenant, token: (userId) => signToken({ sub: userId, tid: tenant.tenantId }, stack.jwtSecret) };
    const ho = tenant.tokens.headOffice;
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    let data: TextData;
    let genSeconds: number;
    try {
      const { org } = await growOrganisation(scaled, db);
      genSeconds = (await generateReportData(db, org, size, new Date(), say)).seconds;
      if (stopping()) throw new Error('interrupted');
      data = await writeTexts(db, tenant.tenantId, size, items, say, stopping);
    } finally {
      await db.end();
    }
    if (stopping()) throw new Error('interrupted');

    const kinds: QueryKind[] = [
      { id: 'common', label: 'common word', queries: ['电梯'], mustHit: true },
      { id: 'synonym', label: 'synonym phrase', queries: ['电梯坏了'], mustHit: false },
      { id: 'place', label: 'place phrase', queries: ['地下车库漏水'], mustHit: false },
      { id: 'rare-name', label: 'rare name', queries: data.rareNames, mustHit: true },
      { id: 'reference', label: 'reference (exact)', queries: data.references, mustHit: true, exactReference: true },
      { id: 'unit', label: 'unit', queries: data.units, mustHit: true },
      { id: 'none', label: 'no hits', queries: ['独角兽彩虹糖'], mustHit: false },
    ].filter((k) => k.queries.length > 0);

    const from = performance.now();
    say(`text: ${kinds.length} kinds of search × ${q} queries (after ${warmup} warm-up) over ${size.toLocaleString('en')} complaints, as the head office…`);
    const gqlSearch = async (t: string): Promise<{ totalCount: number; references: string[] }> => {
      const r = await stack.gql<SearchResult>(SEARCH, { t }, ho);
      const { totalCount, edges } = r.complaints;
      if (edges.length !== Math.min(20, totalCount)) throw new Error(`"${t}": ${edges.length} edges of ${totalCount}`);
      return { totalCount, references: edges.map((e) => e.node.reference) };
    };
    const runs: KindRun[] = [];
    for (const kind of kinds) {
      if (stopping()) break;
      const run = await measureKind(kind, q, warmup, gqlSearch, stopping);
      runs.push(run);
      errors.push(...run.errors);
      say(`text: ${kind.label} (${kind.queries.length > 1 ? `${kind.queries.length} queries, e.g. "${kind.queries[0]}"` : `"${kind.queries[0]}"`}): ${fmtLatency(run.lat)}, hits ${hitsText(run.hits)} → ${verdict(run.lat)}${run.errors.length ? `; ${run.errors.length} error(s): ${run.errors[0]}` : ''}`);
    }
    const overall = summarize(runs.flatMap((r) => r.ms));
    say(`text: all kinds: ${fmtLatency(overall)} → ${verdict(overall)} (goal p99 ≤ ${GOAL_P99_MS} ms)`);
    const to = performance.now();

    // Suggestions at intake.
    say(`text: suggestCategory over ${suggestions} texts of the evaluation set (after 10 warm-up)…`);
    const suggestMs: number[] = [];
    let suggestNote = '';
    for (let i = 0; i < 10 + suggestions && !stopping(); i++) {
      const t = items[i % items.length].description;
      try {
        const r = await timed(() => stack.gql<{ suggestCategory: { category: string }[] }>(SUGGEST, { t }, ho));
        if (i >= 10) suggestMs.push(r.ms);
      } catch (err) {
        const m = (err as Error).message;
        if (/Cannot query field "suggestCategory"/.test(m)) {
          suggestNote = 'suggestCategory is not in the gateway\'s schema (not measured)';
          break;
        }
        errors.push(`suggestCategory #${i}: ${m}`);
      }
    }
    const suggest = summarize(suggestMs);
    say(`text: suggestCategory ${suggestNote || fmtLatency(suggest)}`);

    // The old substring search, for comparison.
    say(`text: the old ILIKE search in SQL, ${oldQ} queries per kind (after 1 warm-up; at most ${oldMaxMs / 1000} s each)…`);
    const app = new Client({ connectionString: applicationDatabaseUrl(stack.databaseUrl) });
    await app.connect();
    const oldRuns: KindRun[] = [];
    try {
      for (const kind of kinds) {
        if (stopping()) break;
        const run = await measureKind(kind, oldQ, 1, oldSearch(app, tenant.tenantId), stopping, oldMaxMs);
        for (const [t, n] of run.hits) if (n > COUNT_BOUND) run.hits.set(t, await oldExactCount(app, tenant.tenantId, t));
        oldRuns.push(run);
        say(`text: ILIKE ${kind.label}: ${fmtLatency(run.lat)}, hits ${hitsText(run.hits)}${run.errors.length ? `; ${run.errors.length} miss(es): ${run.errors[0]}` : ''}`);
      }
    } finally {
      await app.end();
    }
    const oldOverall = summarize(oldRuns.flatMap((r) => r.ms));

    const metrics: Metric[] = [
      { label: 'complaints (text pool)', value: `${size.toLocaleString('en')} generated in ${genSeconds.toFixed(0)} s; ${data.poolSize.toLocaleString('en')} distinct texts from ${data.evalItems} evaluation complaints written in ${data.updateSeconds.toFixed(0)} s (vectors ${data.vectorSeconds.toFixed(1)} s, indexes ${data.indexSeconds.toFixed(0)} s, vacuum/analyze ${data.vacuumSeconds.toFixed(0)} s)` },
    ];
    for (const r of runs) {
      const old = oldRuns.find((o) => o.kind.id === r.kind.id);
      metrics.push({ label: `search: ${r.kind.label} p50/p95/p99`, value: `${fmtLatency(r.lat)}  ${verdict(r.lat)}; hits ${hitsText(r.hits)}${old ? ` (ILIKE ${hitsText(old.hits)})` : ''}` });
    }
    metrics.push({ label: 'search: all kinds p50/p95/p99', value: `${fmtLatency(overall)} (goal p99 ≤ ${GOAL_P99_MS} ms)  ${verdict(overall)}` });
    for (const r of oldRuns) metrics.push({ label: `old ILIKE: ${r.kind.label} p50/p95/p99`, value: fmtLatency(r.lat) });
    metrics.push({ label: 'old ILIKE: all kinds p50/p95/p99', value: fmtLatency(oldOverall) });
    metrics.push({ label: 'suggestCategory p50/p95/p99', value: suggestNote || fmtLatency(suggest) });
    metrics.push({ label: 'errors', value: String(errors.length) });
    if (errors.length) say(`text: ${errors.length} error(s), e.g. ${errors.slice(0, 3).join(' | ')}`);
    return {
      id: 'text', title: this.title, window: { from, to }, metrics,
      data: {
        complaints: size, generatedSeconds: genSeconds, poolSize: data.poolSize, evalItems: data.evalItems, vectorSeconds: data.vectorSeconds,
        updateSeconds: data.updateSeconds, indexSeconds: data.indexSeconds, vacuumSeconds: data.vacuumSeconds, queries: q, warmup, goalP99Ms: GOAL_P99_MS,
        searchAll: overall, oldSearchAll: oldOverall,
        search: Object.fromEntries(runs.map((r) => [r.kind.id, { label: r.kind.label, queries: r.kind.queries.length, latencyMs: r.lat, hits: Object.fromEntries(r.hits) }])),
        oldSearch: Object.fromEntries(oldRuns.map((r) => [r.kind.id, { latencyMs: r.lat, hits: Object.fromEntries(r.hits) }])),
        suggestCategory: suggestNote ? { note: suggestNote } : { latencyMs: suggest },
        errors: errors.length, errorSamples: errors.slice(0, 10),
      },
    };
  },
};
