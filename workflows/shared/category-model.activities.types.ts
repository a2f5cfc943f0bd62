import type { Category } from '../../libs/domain/src/enums';

/** One category's share of the held-out complaints and how many of them the model got right. */
export interface CategoryModelCategoryFigures {
  samples: number;
  correct: number;
  /** correct / samples; null when none of the held-out complaints had the category. */
  accuracy: number | null;
}

/** What a training wrote (or, for a retried run, had already written): the version and its held-out figures. */
export interface CategoryModelTrained {
  version: number;
  /** Confirmed complaints it learnt from (0: too few to learn from, the keyword lexicon alone). */
  trainedOn: number;
  /** Confirmed complaints held out to measure it. */
  heldOut: number;
  /** Top-1 accuracy on the held-out complaints; null when none was held out. */
  accuracy: number | null;
  perCategory: Record<Category, CategoryModelCategoryFigures>;
}

export interface CategoryModelActivities {
  /**
   * Trains the tenant's category classifier on its own confirmed complaints (in its own tenant
   * transaction) and stores it as the next version. Idempotent by `runId`: a retry of the same run
   * writes no second version and answers the figures of the one it wrote.
   */
  retrainCategoryModel(args: { tenantId: string; runId: string }): Promise<CategoryModelTrained>;
}
