import { MigrationInterface, QueryRunner } from 'typeorm';
import { APPLICATION_ROLE } from './1763890000000-row-level-security';
import { SEARCH_COMPLAINT_IDS } from './1763950000000-chinese-text';

// Existing complaints get their time lexemes in batches of this many (progress printed per batch).
const BACKFILL_BATCH = 20_000;
// At most this many matches expected (the planner's estimate): one query instead of segments.
const FEW_MATCHES = 2000;

/**
 * Text search that costs what it returns, not what it matches. A search shows the newest matches
 * (ranked among themselves); before this, finding them meant visiting every match of a frequent
 * word ("电梯": 45,666 of a million complaints, a heap page each, 300+ ms) or walking the newest
 * complaints one row at a time. Now every complaint's `search_vector` also carries lexemes of its
 * tenant's (UTC) day and month, so the GIN index itself intersects a word with "this
 * tenant, these days": `search_complaints` asks for the newest days' matches first, then for ever longer
 * spans back (sized by the matches found per day so far), and stops once it has the window. Only
 * the matches it returns are read from the table. The lexemes start with "~", which no search text
 * can produce (TextAnalyzer keeps only Chinese characters, letters and digits).
 */
export class SearchByTime1763970000000 implements MigrationInterface {
  name = 'SearchByTime1763970000000';

  async up(q: QueryRunner): Promise<void> {
    // The (UTC) day and the month, each with a 48-bit prefix of the tenant's id (a clash of two
    // tenants' prefixes costs only reading rows the tenant filter then drops). One definition of
    // each, for the vectors and for the searches that ask for them.
    for (const [name, mark, format] of [['search_day_lexeme', '~d', 'YYYYMMDD'], ['search_month_lexeme', '~m', 'YYYYMM']]) {
      await q.query(`
        CREATE FUNCTION ${name}(tenant uuid, at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT '${mark}' || left(replace(tenant::text, '-', ''), 12) || to_char(at AT TIME ZONE 'UTC', '${format}')
        $$`);
    }
    await q.query(`
      CREATE FUNCTION search_time_lexemes(tenant uuid, at timestamptz) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT array_to_tsvector(ARRAY[search_day_lexeme(tenant, at), search_month_lexeme(tenant, at)])
      $$`);
    await backfillSearchTimeLexemes(q);
    await q.query(`DROP FUNCTION IF EXISTS search_complaint_ids(tsquery, integer)`);
    // A tenant's first complaint, by the (tenant_id, received_at) index: a function of its own, since
    // search_complaints turns index scans off and min() needs one.
    await q.query(`
      CREATE FUNCTION search_first_received(tenant uuid) RETURNS timestamptz LANGUAGE sql STABLE SET enable_indexscan = on AS $$
        SELECT min(c.received_at) FROM public.complaints c WHERE c.tenant_id = tenant
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION search_first_received(uuid) FROM PUBLIC`);
    // Rows: the newest matches (at most max_rows; every one when null), newest first, each with the
    // number of all matches when the search asked the index once (otherwise null).
    // The caller's tenant comes from its transaction (app.tenant_id, as row-level security reads it);
    // everything else only narrows: the caller's reach (f.scopeBranchIds, f.scopeCompanyIds, f.me: its
    // own complaints) and the list's filter, as ComplaintsService passes them (which applies both again).
    // Segments, newest first: anything received more than 2 days ahead (a clock far off; only when
    // there is any), then the 3 days from 2 days ahead back to yesterday's start, then spans sized
    // from the matches found per day so far to hold the rest of the window and a fifth more (at most
    // four times as far back as searched so far), back to the tenant's first complaint (day lexemes
    // up to 64 days, months beyond). A query the planner expects few matches for is asked once,
    // without segments: each ask of the index intersects the query's own lexemes again, and
    // "8栋1003" holds two that half the complaints carry ("8", "栋"). Index and sequential scans are off inside: each ask is a
    // bitmap of the GIN index (the planner would otherwise walk the newest complaints one by one for
    // a word it guesses is frequent, and a wrong guess costs the whole tenant). Estimates only decide
    // how fast it goes: the answer is the same (test/medium/search-by-time.medium-spec.ts).
    await q.query(`
      CREATE FUNCTION search_complaints(q tsquery, max_rows integer, f jsonb)
        RETURNS TABLE (id uuid, received_at timestamptz, total bigint)
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER
        SET search_path = pg_catalog, public SET enable_seqscan = off SET enable_indexscan = off SET plan_cache_mode = force_custom_plan
      AS $$
      DECLARE
        tenant uuid := NULLIF(current_setting('app.tenant_id', true), '')::uuid;
        day0 timestamp;
        lo timestamptz;
        hi timestamptz;
        segment tsquery;
        wanted integer := coalesce(max_rows, 2147483647);
        got integer;
        estimate float8;
        first_at timestamptz;
        covered integer := -2;
        span integer := 3;
        searched float8 := 0;
        found integer := 0;
        steps integer := 0;
        plan json;
        -- app.search_few_matches: what counts as few (tests set 0 to search by segments in a small table).
        few float8 := coalesce(NULLIF(current_setting('app.search_few_matches', true), '')::float8, ${FEW_MATCHES});
        from_at timestamptz := coalesce((f ->> 'receivedFrom')::timestamptz, '-infinity');
        to_at timestamptz := coalesce((f ->> 'receivedTo')::timestamptz, 'infinity');
        updated_since timestamptz := (f ->> 'updatedSince')::timestamptz;
        scope_branches uuid[] := ARRAY(SELECT jsonb_array_elements_text(f -> 'scopeBranchIds'))::uuid[];
        scope_companies uuid[] := ARRAY(SELECT jsonb_array_elements_text(f -> 'scopeCompanyIds'))::uuid[];
        me uuid := (f ->> 'me')::uuid;
        scoped boolean := coalesce((f ->> 'scoped')::boolean, false);
        company uuid := (f ->> 'companyId')::uuid;
        branch uuid := (f ->> 'branchId')::uuid;
        statuses text[] := ARRAY(SELECT jsonb_array_elements_text(f -> 'status'));
        severities text[] := ARRAY(SELECT jsonb_array_elements_text(f -> 'severity'));
        categories text[] := ARRAY(SELECT jsonb_array_elements_text(f -> 'category'));
        only_overdue boolean := (f ->> 'overdue')::boolean;
      BEGIN
        IF tenant IS NULL OR q IS NULL OR wanted <= 0 THEN RETURN; END IF;
        day0 := date_trunc('day', now() AT TIME ZONE 'UTC');
        IF max_rows IS NOT NULL THEN
          EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM public.complaints c WHERE c.search_vector @@ %L::tsquery AND c.tenant_id = %L::uuid', q::text, tenant)
            INTO plan;
          estimate := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
        END IF;
        first_at := search_first_received(tenant);
        IF first_at IS NULL THEN RETURN; END IF;
        LOOP
          steps := steps + 1;
          IF max_rows IS NULL OR estimate <= few THEN
            -- All matches wanted (a count), or few expected: everything at once.
            segment := NULL; lo := from_at; hi := to_at;
            covered := NULL;
          ELSIF steps = 1 THEN
            -- Received further ahead than the spans reach (a clock far off): asked first, as the
            -- newest, and only when there are any (the received_at index answers that).
            lo := greatest((day0 + interval '2 days') AT TIME ZONE 'UTC', from_at);
            hi := to_at;
            CONTINUE WHEN lo >= hi OR NOT EXISTS (SELECT 1 FROM public.complaints c WHERE c.tenant_id = tenant AND c.received_at >= lo);
            segment := NULL;
          ELSE
            hi := (day0 - covered * interval '1 day') AT TIME ZONE 'UTC';
            EXIT WHEN hi <= first_at OR hi <= from_at;
            -- Bounded by construction: after 40 spans, the next one is all that is left.
            IF steps > 40 THEN span := 100000; END IF;
            lo := (day0 - (covered + span) * interval '1 day') AT TIME ZONE 'UTC';
            covered := covered + span;
            -- The last span reaches the tenant's first complaint (which bounds every segment's lexemes).
            lo := greatest(lo, date_trunc('day', first_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', from_at);
            hi := least(hi, to_at);
            IF lo >= hi THEN
              span := least(span * 4, 100000);
              CONTINUE;
            END IF;
            IF hi - lo <= interval '64 days' THEN
              SELECT string_agg(quote_literal(search_day_lexeme(tenant, d AT TIME ZONE 'UTC')), ' | ')::tsquery INTO segment
                FROM generate_series(date_trunc('day', lo AT TIME ZONE 'UTC'), (hi - interval '1 microsecond') AT TIME ZONE 'UTC', interval '1 day') AS d;
            ELSE
              SELECT string_agg(quote_literal(search_month_lexeme(tenant, d AT TIME ZONE 'UTC')), ' | ')::tsquery INTO segment
                FROM generate_series(date_trunc('month', lo AT TIME ZONE 'UTC'), (hi - interval '1 microsecond') AT TIME ZONE 'UTC', interval '1 month') AS d;
            END IF;
          END IF;
          RETURN QUERY
            -- Asked once, every match was read: how many there are comes with them (the caller's count).
            SELECT c.id, c.received_at, CASE WHEN covered IS NULL THEN count(*) OVER () END FROM public.complaints c
             WHERE c.search_vector @@ coalesce(q && segment, q) AND c.tenant_id = tenant
               AND c.received_at >= lo AND c.received_at < hi
               AND (NOT scoped OR c.branch_id = ANY(scope_branches) OR c.company_id = ANY(scope_companies) OR me IN (c.assignee_id, c.first_contact_owner_id, c.owner_id))
               AND (company IS NULL OR c.company_id = company) AND (branch IS NULL OR c.branch_id = branch)
               AND (cardinality(statuses) = 0 OR c.status = ANY(statuses))
               AND (cardinality(severities) = 0 OR c.severity = ANY(severities))
               AND (cardinality(categories) = 0 OR c.category = ANY(categories))
               AND (only_overdue IS NULL OR c.overdue = only_overdue)
               AND (updated_since IS NULL OR c.updated_at >= updated_since)
             ORDER BY c.received_at DESC, c.id DESC LIMIT wanted;
          GET DIAGNOSTICS got = ROW_COUNT;
          wanted := wanted - got;
          EXIT WHEN wanted <= 0 OR covered IS NULL;
          IF steps > 1 THEN
            -- The next span: the rest of the window at the rate found so far, and a fifth more (the
            -- index's work grows with the days asked for, so neither far more nor a step too many);
            -- at most four times the last, and four times when nothing was found yet.
            searched := searched + extract(epoch FROM least(hi, now()) - lo) / 86400;
            found := found + got;
            span := CASE WHEN found = 0 OR searched <= 0 THEN span * 4
                         ELSE ceil(1.2 * wanted / (found / greatest(searched, 0.25))) END;
            span := greatest(1, least(span, 4 * (covered + 2), 100000))::integer;
          END IF;
        END LOOP;
      END
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION search_complaints(tsquery, integer, jsonb) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION search_complaints(tsquery, integer, jsonb) TO ${APPLICATION_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS search_complaints(tsquery, integer, jsonb)`);
    await q.query(`DROP FUNCTION IF EXISTS search_first_received(uuid)`);
    await q.query(`UPDATE complaints SET search_vector = ts_delete(search_vector, tsvector_to_array(search_time_lexemes(tenant_id, received_at)))
                    WHERE search_vector IS NOT NULL`);
    await q.query(`DROP FUNCTION IF EXISTS search_time_lexemes(uuid, timestamptz)`);
    await q.query(`DROP FUNCTION IF EXISTS search_day_lexeme(uuid, timestamptz)`);
    await q.query(`DROP FUNCTION IF EXISTS search_month_lexeme(uuid, timestamptz)`);
    await q.query(SEARCH_COMPLAINT_IDS);
    await q.query(`REVOKE ALL ON FUNCTION search_complaint_ids(tsquery, integer) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION search_complaint_ids(tsquery, integer) TO ${APPLICATION_ROLE}`);
  }
}

/** The time lexemes of every complaint that has a search vector (as the owner: row-level security does not apply). */
export async function backfillSearchTimeLexemes(q: QueryRunner): Promise<void> {
  const [{ n }]: { n: number }[] = await q.query(`SELECT count(*)::int AS n FROM complaints WHERE search_vector IS NOT NULL`);
  if (n === 0) return;
  let done = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const [last]: { id: string | null; k: number }[] = await q.query(
      `WITH batch AS (SELECT id FROM complaints WHERE search_vector IS NOT NULL AND id > $1 ORDER BY id LIMIT $2),
            done AS (UPDATE complaints c SET search_vector = c.search_vector || search_time_lexemes(c.tenant_id, c.received_at)
                      FROM batch b WHERE c.id = b.id RETURNING c.id)
       SELECT max(id::text) AS id, count(*)::int AS k FROM done`, [after, BACKFILL_BATCH],
    );
    if (!last.id || last.k === 0) break;
    done += last.k;
    after = last.id;
    if (n > BACKFILL_BATCH) process.stdout.write(`search time lexemes: ${done}/${n} complaints\n`);
  }
}
