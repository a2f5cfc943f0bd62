/**
 * Chinese search in PostgreSQL itself: the vectors and queries TextAnalyzer writes, matched by the
 * real `@@` over the evaluation set's complaints, against what `ILIKE '%…%'` (the search this
 * replaced) finds for the same text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { textAnalyzer } from '../../libs/text/src/text-analyzer';

interface EvalComplaint { id: string; description: string; demand: string | null; location: string | null; complainant: string }
const complaints: EvalComplaint[] = JSON.parse(readFileSync(join(__dirname, '../fixtures/text-eval/complaints.json'), 'utf8'));
const analyzer = textAnalyzer();
const body = (c: EvalComplaint): string => [c.complainant, c.description, c.location, c.demand].filter(Boolean).join('\n');

let client: Client;
beforeAll(async () => {
  client = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  await client.query('CREATE TEMP TABLE docs (id text PRIMARY KEY, body text NOT NULL, v tsvector NOT NULL)');
  await client.query(
    'INSERT INTO docs SELECT * FROM unnest($1::text[], $2::text[], $3::text[]::tsvector[])',
    [complaints.map((c) => c.id), complaints.map(body), complaints.map((c) => analyzer.searchVector({
      complainantName: c.complainant, description: c.description, location: c.location, demand: c.demand,
    }))],
  );
});
afterAll(async () => {
  await client?.end();
});

async function bySearch(text: string): Promise<string[]> {
  const q = analyzer.searchQuery(text);
  if (!q) return [];
  return (await client.query('SELECT id FROM docs WHERE v @@ CAST($1 AS tsquery) ORDER BY id', [q])).rows.map((r) => r.id);
}
async function bySubstring(text: string): Promise<string[]> {
  const like = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return (await client.query('SELECT id FROM docs WHERE body ILIKE $1 ORDER BY id', [like])).rows.map((r) => r.id);
}
/** The substring search with numbers matched whole, as search does ("3号楼" is not "13号楼"; a run of four or more digits as a prefix). */
async function bySubstringOfWholeNumbers(text: string): Promise<string[]> {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const head = /^[0-9a-z]/i.test(text) ? '(^|[^0-9a-z])' : '';
  const tailRun = /[0-9a-z]+$/i.exec(text)?.[0] ?? '';
  const tail = tailRun && tailRun.length < 4 ? '($|[^0-9a-z])' : '';
  return (await client.query('SELECT id FROM docs WHERE body ~* $1 ORDER BY id', [`${head}${escaped}${tail}`])).rows.map((r) => r.id);
}

// A deterministic sample of what staff type: pieces of the complaints themselves, 1–6 characters, cut
// anywhere in the Chinese text but not inside a run of letters or digits (a number is matched whole).
function samples(n: number): string[] {
  const out: string[] = [];
  let seed = 7;
  const next = (k: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
  while (out.length < n) {
    const c = complaints[next(complaints.length)];
    const chars = [...c.description];
    const len = 1 + next(6);
    const at = next(Math.max(1, chars.length - len));
    const piece = chars.slice(at, at + len).join('');
    const cutsNumber = /[0-9a-zA-Z]/.test(chars[at - 1] ?? '') && /^[0-9a-zA-Z]/.test(piece)
      || /[0-9a-zA-Z]/.test(chars[at + len] ?? '') && /[0-9a-zA-Z]$/.test(piece);
    if (!cutsNumber && /[\p{Script=Han}0-9a-zA-Z]/u.test(piece)) out.push(piece);
  }
  return out;
}

it('finds everything a substring search found (numbers whole), for 400 pieces of real complaints', async () => {
  const missed: string[] = [];
  for (const text of samples(400)) {
    const found = new Set(await bySearch(text));
    const lost = (await bySubstringOfWholeNumbers(text)).filter((id) => !found.has(id));
    if (lost.length) missed.push(`${text} → ${lost.join(',')}`);
  }
  expect(missed).toEqual([]);
});

it('finds a complaint written with a synonym: 电梯坏了 finds 电梯故障, 漏水 finds 渗水', async () => {
  await client.query(`INSERT INTO docs VALUES ('X1', '电梯故障，三天没人修', CAST($1 AS tsvector)), ('X2', '卫生间天花板渗水', CAST($2 AS tsvector))`, [
    analyzer.searchVector({ complainantName: null, description: '电梯故障，三天没人修', location: null, demand: null }),
    analyzer.searchVector({ complainantName: null, description: '卫生间天花板渗水', location: null, demand: null }),
  ]);
  expect(await bySubstring('电梯坏了')).not.toContain('X1');
  expect(await bySearch('电梯坏了')).toContain('X1');
  expect(await bySearch('漏水')).toContain('X2');
  // Every term must match: the synonym does not widen the search to any elevator at all.
  expect(await bySearch('电梯漏水')).not.toContain('X1');
});

it('ranks a complaint that matches the words above one that only has the characters', async () => {
  const q = analyzer.searchQuery('地下车库漏水') as string;
  const { rows } = await client.query(
    `SELECT id, ts_rank(v, CAST($1 AS tsquery)) AS r FROM docs WHERE v @@ CAST($1 AS tsquery) ORDER BY r DESC, id LIMIT 5`, [q],
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows.slice(0, 1)) expect(body(complaints.find((c) => c.id === r.id) as EvalComplaint)).toMatch(/车库/);
});

it('treats hostile text as text: quotes, operators and backslashes never reach tsquery syntax', async () => {
  for (const text of ["'", "\\", "a' | 'b", '!!!', '&|!:*()<->', "电梯' & !'漏水", '电梯\\:*']) {
    await expect(bySearch(text)).resolves.toBeInstanceOf(Array);
  }
});
