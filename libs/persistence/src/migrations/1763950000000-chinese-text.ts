import { MigrationInterface, QueryRunner } from 'typeorm';
import { textAnalyzer } from '../../../text/src/text-analyzer';
import { APPLICATION_ROLE, isolateTenantTable } from './1763890000000-row-level-security';

// Existing complaints get their search vector in batches of this many (progress printed per batch).
const BACKFILL_BATCH = 2000;

/**
 * Chinese text: a `search_vector` per complaint (segmented words, their synonyms and character
 * bigrams, written by the worker with the row) under a GIN index; each tenant's own search terms;
 * and each tenant's category classifier, one row per training with its held-out accuracy. Existing
 * complaints are segmented here, in Node (PostgreSQL's parser knows no Chinese).
 */
export class ChineseText1763950000000 implements MigrationInterface {
  name = 'ChineseText1763950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE complaints ADD COLUMN search_vector tsvector`);
    // A reference's letter and digit runs as lexemes ("GZ01-2026-000123" → gz01, 2026, 000123), weight A.
    await q.query(`
      CREATE FUNCTION reference_lexemes(ref text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(string_agg(DISTINCT quote_literal(x) || ':1A', ' ')::tsvector, ''::tsvector)
          FROM unnest(regexp_split_to_array(lower(ref), '[^a-z0-9]+')) AS x WHERE x <> ''
      $$`);
    await q.query(`
      CREATE TABLE text_terms (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        term text NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, term)
      )`);
    await q.query(`
      CREATE TABLE category_models (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        version integer NOT NULL,
        run_id text NOT NULL,
        trained_at timestamptz NOT NULL,
        trained_on integer NOT NULL,
        held_out integer NOT NULL,
        accuracy double precision,
        per_category jsonb NOT NULL,
        model jsonb NOT NULL,
        PRIMARY KEY (tenant_id, version),
        UNIQUE (tenant_id, run_id)
      )`);
    for (const sql of isolateTenantTable('text_terms', 'tenant_id', 'SELECT, INSERT, UPDATE, DELETE')) await q.query(sql);
    for (const sql of isolateTenantTable('category_models', 'tenant_id', 'SELECT, INSERT, UPDATE, DELETE')) await q.query(sql);
    // Under row-level security PostgreSQL will not use the GIN index (the @@ operator is not
    // LEAKPROOF, so it may only run after the policy's filter, row by row): a text search of a
    // million complaints became a sequential scan. This function runs as the owner with the tenant
    // of the caller's transaction (app.tenant_id, as the policy reads it) as an explicit predicate, so
    // the index serves it; it returns only ids, times and ranks of the caller's own tenant.
    await q.query(SEARCH_COMPLAINT_IDS);
    await q.query(`REVOKE ALL ON FUNCTION search_complaint_ids(tsquery, integer) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION search_complaint_ids(tsquery, integer) TO ${APPLICATION_ROLE}`);
    await backfillSearchVectors(q);
    // After the backfill: one index build instead of an update per row.
    await q.query(`CREATE INDEX complaints_search_idx ON complaints USING gin (search_vector)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS category_models`);
    await q.query(`DROP TABLE IF EXISTS text_terms`);
    await q.query(`DROP INDEX IF EXISTS complaints_search_idx`);
    await q.query(`ALTER TABLE complaints DROP COLUMN IF EXISTS search_vector`);
    await q.query(`DROP FUNCTION IF EXISTS reference_lexemes(text)`);
    await q.query(`DROP FUNCTION IF EXISTS search_complaint_ids(tsquery, integer)`);
  }
}

/** The search of the newest matches as this migration made it (1763970000000 replaced it; its down() restores this). */
export const SEARCH_COMPLAINT_IDS = `
      CREATE FUNCTION search_complaint_ids(q tsquery, max_rows integer)
        RETURNS TABLE (id uuid, received_at timestamptz, rank real)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$
          SELECT c.id, c.received_at, ts_rank(c.search_vector, q) FROM public.complaints c
           WHERE c.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid AND c.search_vector @@ q
           ORDER BY c.received_at DESC, c.id DESC LIMIT max_rows
        $$`;

/** The search vector of every complaint that has none (as the owner: row-level security does not apply). */
async function backfillSearchVectors(q: QueryRunner): Promise<void> {
  const [{ n }]: { n: number }[] = await q.query(`SELECT count(*)::int AS n FROM complaints WHERE search_vector IS NULL`);
  if (n === 0) return;
  const analyzer = textAnalyzer();
  let done = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: { id: string; complainant_name: string; description: string; location: string | null; demand: string | null; reference: string }[] = await q.query(
      `SELECT id, complainant_name, description, location, demand, reference FROM complaints
        WHERE search_vector IS NULL AND id > $1 ORDER BY id LIMIT $2`, [after, BACKFILL_BATCH],
    );
    if (rows.length === 0) break;
    await q.query(
      `UPDATE complaints c SET search_vector = CAST(v.vector AS tsvector) || reference_lexemes(c.reference)
         FROM unnest($1::uuid[], $2::text[]) AS v(id, vector) WHERE c.id = v.id`,
      [rows.map((r) => r.id), rows.map((r) => analyzer.searchVector({
        complainantName: r.complainant_name, description: r.description, location: r.location, demand: r.demand,
      }))],
    );
    done += rows.length;
    after = rows[rows.length - 1].id;
    if (n > BACKFILL_BATCH) process.stdout.write(`search vectors: ${done}/${n} complaints\n`);
  }
}
