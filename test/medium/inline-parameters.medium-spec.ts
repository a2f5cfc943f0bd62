/** inlineParameters against the real PostgreSQL: a value written in reads back as the same value sent as a parameter. */
import { Client } from 'pg';
import { inlineParameters } from '../../libs/persistence/src/inline-parameters';

let client: Client;
beforeAll(async () => {
  client = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

it('gives PostgreSQL the same values as parameters would, quotes and backslashes included', async () => {
  const values = ["it's \\ a 'test' $1 --", new Date('2026-02-03T04:05:06.789Z'), 42, false, null, ['x', "y'z", 'a,b', 'q"q'], { k: "v'\\" }, 2.5];
  const sql = 'SELECT $1::text AS s, $2::timestamptz AS d, $3::int AS n, $4::boolean AS b, $5::text AS z, $6::text[] AS a, $7::jsonb AS j, $8::numeric AS r';
  const viaParameters = (await client.query(sql, values)).rows[0];
  const inlined = (await client.query(inlineParameters(sql, values))).rows[0];
  expect(inlined).toEqual(viaParameters);
  expect(inlined.s).toBe(values[0]);
  expect(inlined.a).toEqual(values[5]);
  // An untyped literal takes its type from the context, as a parameter does.
  const untyped = 'SELECT now() > $1 AS later, $2 = ANY(ARRAY[1, 2]) AS one';
  expect((await client.query(inlineParameters(untyped, [new Date(0), 1]))).rows[0]).toEqual((await client.query(untyped, [new Date(0), 1])).rows[0]);
});
