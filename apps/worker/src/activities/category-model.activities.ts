import { DataSource } from 'typeorm';
import { CATEGORIES, type Category } from '../../../../libs/domain/src/enums';
import { tenantTransaction } from '../../../../libs/persistence/src/tenant-transaction';
import { classifierFeatures, evaluateCategoryModel, isHeldOut, trainCategoryModel } from '../../../../libs/text/src/category-classifier';
import { textAnalyzer } from '../../../../libs/text/src/text-analyzer';
import type {
  CategoryModelActivities, CategoryModelCategoryFigures, CategoryModelTrained,
} from '../../../../workflows/shared/category-model.activities.types';
import { workerLogger } from '../observability/logger';

/**
 * The statuses whose category staff confirmed: a dispatcher confirms the classification when
 * dispatching, and a reclassification changes the category itself. RECEIVED (not yet looked at),
 * WITHDRAWN and MERGED teach nothing.
 */
export const CONFIRMED_CATEGORY_STATUSES = ['DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING', 'ANALYSIS_PENDING', 'CLOSED'] as const;
/** The most confirmed complaints one training reads (the newest): bounds its time and memory whatever the tenant's volume. */
export const MAX_TRAINING_COMPLAINTS = 20_000;
/** The versions kept per tenant (the newest); older ones are deleted by each training. */
export const KEPT_MODEL_VERSIONS = 10;

interface ModelRow {
  version: number;
  trained_on: number;
  held_out: number;
  accuracy: number | null;
  per_category: Record<Category, CategoryModelCategoryFigures>;
}

const figuresOf = (r: ModelRow): CategoryModelTrained => ({
  version: r.version, trainedOn: r.trained_on, heldOut: r.held_out, accuracy: r.accuracy, perCategory: r.per_category,
});

/**
 * Trains each tenant's category classifier on that tenant's own confirmed complaints (read and
 * written in its own tenant transactions, so row-level security keeps every other tenant's rows
 * out), measured on the held-out fifth, and stores it as the tenant's next version.
 */
export class CategoryModelActivitiesService implements CategoryModelActivities {
  constructor(private readonly dataSource: DataSource) {}

  async retrainCategoryModel(args: { tenantId: string; runId: string }): Promise<CategoryModelTrained> {
    const { tenantId, runId } = args;
    // A retried attempt of a run that already wrote its version: that version's figures, nothing trained again.
    const read = await tenantTransaction(this.dataSource, tenantId, async (m) => {
      const [done]: ModelRow[] = await m.query(
        `SELECT version, trained_on, held_out, accuracy, per_category FROM category_models WHERE tenant_id = $1 AND run_id = $2`, [tenantId, runId],
      );
      if (done) return { done };
      const rows: { id: string; category: string; description: string; demand: string | null; location: string | null }[] = await m.query(
        `SELECT id, category, description, demand, location FROM complaints
          WHERE tenant_id = $1 AND status = ANY($2) ORDER BY received_at DESC, id LIMIT $3`,
        [tenantId, CONFIRMED_CATEGORY_STATUSES, MAX_TRAINING_COMPLAINTS],
      );
      return { rows };
    });
    if (read.done) return figuresOf(read.done);

    // Segmenting and training run outside the transaction: no connection is held while jieba works.
    const analyzer = textAnalyzer();
    const lexicon = analyzer.resources.lexicon;
    const train: { features: string[]; category: Category }[] = [];
    const heldOut: { features: string[]; category: Category }[] = [];
    for (const r of read.rows) {
      if (!(CATEGORIES as readonly string[]).includes(r.category)) continue;
      const text = [r.description, r.demand, r.location].filter((x): x is string => !!x).join('\n');
      const sample = { features: classifierFeatures(analyzer, lexicon, text), category: r.category as Category };
      (isHeldOut(r.id) ? heldOut : train).push(sample);
    }
    const model = trainCategoryModel(lexicon, train);
    const evaluation = evaluateCategoryModel(model, heldOut);
    const accuracy = heldOut.length ? evaluation.accuracy : null;

    const row = await tenantTransaction(this.dataSource, tenantId, async (m) => {
      // One training writes at a time per tenant: the next version number is taken under the lock.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`category-model/${tenantId}`]);
      const [inserted]: ModelRow[] = await m.query(
        `INSERT INTO category_models (tenant_id, version, run_id, trained_at, trained_on, held_out, accuracy, per_category, model)
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, now(), $3, $4, $5, $6::jsonb, $7::jsonb FROM category_models WHERE tenant_id = $1
         ON CONFLICT (tenant_id, run_id) DO NOTHING
         RETURNING version, trained_on, held_out, accuracy, per_category`,
        [tenantId, runId, model.trainedOn, heldOut.length, accuracy, JSON.stringify(evaluation.perCategory), JSON.stringify(model)],
      );
      // Another attempt of the same run got there first: its version stands.
      const [existing]: ModelRow[] = inserted ? [inserted] : await m.query(
        `SELECT version, trained_on, held_out, accuracy, per_category FROM category_models WHERE tenant_id = $1 AND run_id = $2`, [tenantId, runId],
      );
      await m.query(
        `DELETE FROM category_models WHERE tenant_id = $1
           AND version NOT IN (SELECT version FROM category_models WHERE tenant_id = $1 ORDER BY version DESC LIMIT $2)`,
        [tenantId, KEPT_MODEL_VERSIONS],
      );
      return existing;
    });
    const result = figuresOf(row);
    workerLogger().info(
      { tenantId, version: result.version, trainedOn: result.trainedOn, heldOut: result.heldOut, accuracy: result.accuracy },
      `category model: tenant ${tenantId} version ${result.version} trained on ${result.trainedOn} held out ${result.heldOut}`
      + ` accuracy ${result.accuracy === null ? 'n/a' : result.accuracy.toFixed(3)}`,
    );
    return result;
  }
}

/** The activities as the worker registers them. */
export function categoryModelActivities(s: CategoryModelActivitiesService): CategoryModelActivities {
  return { retrainCategoryModel: s.retrainCategoryModel.bind(s) };
}
