import { CATEGORIES, type Category } from '../../domain/src/enums';
import type { TextAnalyzer } from './text-analyzer';
import type { CategoryLexicon } from './text-resources';

/**
 * A tenant's category classifier: multinomial naive Bayes over the words of a complaint (binary
 * per complaint, synonyms folded), started from the keyword lexicon as pseudo-counts, so a tenant
 * with no confirmed complaints gets the lexicon's suggestion and each confirmed complaint moves it
 * towards that group's own vocabulary. Plain JSON: stored per tenant, loaded by the gateway.
 */
export interface CategoryModel {
  format: 1;
  /** How many confirmed complaints it learnt from (0: the lexicon alone). */
  trainedOn: number;
  logPrior: Record<Category, number>;
  /** log P(feature | category) for the features it knows. */
  logLikelihood: Record<Category, Record<string, number>>;
  /** log P(feature | category) of a known feature never seen with the category. */
  logUnseen: Record<Category, number>;
}

export interface LabelledText {
  id: string;
  text: string;
  category: Category;
}

export interface CategoryScore {
  category: Category;
  /** The posterior probability, 0..1. */
  confidence: number;
}

export interface CategoryEvaluation {
  samples: number;
  correct: number;
  accuracy: number;
  perCategory: Record<Category, { samples: number; correct: number; accuracy: number | null }>;
}

// A lexicon keyword of weight w counts as LEXICON_STRENGTH × w complaints that used it.
const LEXICON_STRENGTH = 2;
// Laplace smoothing.
const ALPHA = 1;
// The most features a model keeps (the most frequent), whatever the tenant's volume.
export const MAX_MODEL_FEATURES = 8000;
// Fewer confirmed complaints than this and the lexicon alone decides (too little to learn from).
export const MIN_TRAINING_SAMPLES = 30;

/** The features the classifier sees: the canonical words, plus every lexicon keyword the text contains. */
export function classifierFeatures(analyzer: TextAnalyzer, lexicon: CategoryLexicon, text: string): string[] {
  const a = analyzer.analyse(text);
  const out = new Set(a.canonical);
  const t = text.normalize('NFKC').toLowerCase();
  for (const c of CATEGORIES) for (const term of Object.keys(lexicon[c])) if (t.includes(term)) out.add(term);
  return [...out];
}

const record = <T>(f: (c: Category) => T): Record<Category, T> => Object.fromEntries(CATEGORIES.map((c) => [c, f(c)])) as Record<Category, T>;

/** Trains on labelled feature sets (below MIN_TRAINING_SAMPLES: on the lexicon alone). */
export function trainCategoryModel(lexicon: CategoryLexicon, samples: readonly { features: readonly string[]; category: Category }[]): CategoryModel {
  const used = samples.length >= MIN_TRAINING_SAMPLES ? samples : [];
  const counts = record(() => new Map<string, number>());
  const docs = record(() => 0);
  const bump = (c: Category, f: string, n: number): void => { counts[c].set(f, (counts[c].get(f) ?? 0) + n); };
  for (const c of CATEGORIES) for (const [term, w] of Object.entries(lexicon[c])) bump(c, term, LEXICON_STRENGTH * w);
  for (const s of used) {
    docs[s.category] += 1;
    for (const f of s.features) bump(s.category, f, 1);
  }
  // The vocabulary: every lexicon keyword, then the most frequent of the rest, up to the bound.
  const total = new Map<string, number>();
  for (const c of CATEGORIES) for (const [f, n] of counts[c]) total.set(f, (total.get(f) ?? 0) + n);
  const lexiconTerms = new Set(CATEGORIES.flatMap((c) => Object.keys(lexicon[c])));
  const vocab = [...total.keys()]
    .sort((a, b) => Number(lexiconTerms.has(b)) - Number(lexiconTerms.has(a)) || (total.get(b) ?? 0) - (total.get(a) ?? 0) || (a < b ? -1 : 1))
    .slice(0, MAX_MODEL_FEATURES);
  const n = used.length;
  const logPrior = record((c) => Math.log((docs[c] + 1) / (n + CATEGORIES.length)));
  const logLikelihood = record(() => ({} as Record<string, number>));
  const logUnseen = record(() => 0);
  for (const c of CATEGORIES) {
    const sum = vocab.reduce((s, f) => s + (counts[c].get(f) ?? 0), 0);
    const denom = sum + ALPHA * vocab.length;
    logUnseen[c] = Math.log(ALPHA / denom);
    for (const f of vocab) {
      const k = counts[c].get(f);
      if (k) logLikelihood[c][f] = Math.log((k + ALPHA) / denom);
    }
  }
  return { format: 1, trainedOn: n, logPrior, logLikelihood, logUnseen };
}

/**
 * The categories for a text's features, best first, or [] when the model knows none of its
 * features (nothing to go on: no suggestion rather than the prior dressed up as one).
 */
export function classify(model: CategoryModel, features: readonly string[]): CategoryScore[] {
  const known = features.filter((f) => CATEGORIES.some((c) => model.logLikelihood[c][f] !== undefined));
  if (known.length === 0) return [];
  const log = CATEGORIES.map((c) => known.reduce((s, f) => s + (model.logLikelihood[c][f] ?? model.logUnseen[c]), model.logPrior[c]));
  const max = Math.max(...log);
  const exp = log.map((l) => Math.exp(l - max));
  const z = exp.reduce((s, e) => s + e, 0);
  return CATEGORIES.map((category, i) => ({ category, confidence: exp[i] / z })).sort((a, b) => b.confidence - a.confidence);
}

/** Accuracy of the top suggestion (no suggestion counts as wrong), overall and per category. */
export function evaluateCategoryModel(model: CategoryModel, samples: readonly { features: readonly string[]; category: Category }[]): CategoryEvaluation {
  const perCategory = record(() => ({ samples: 0, correct: 0, accuracy: null as number | null }));
  let correct = 0;
  for (const s of samples) {
    const top = classify(model, s.features)[0];
    perCategory[s.category].samples += 1;
    if (top?.category === s.category) {
      correct += 1;
      perCategory[s.category].correct += 1;
    }
  }
  for (const c of CATEGORIES) perCategory[c].accuracy = perCategory[c].samples ? perCategory[c].correct / perCategory[c].samples : null;
  return { samples: samples.length, correct, accuracy: samples.length ? correct / samples.length : 0, perCategory };
}

/** Whether a complaint is in the held-out fifth (by its id, so the split is the same at every retraining). */
export function isHeldOut(id: string): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h % 5 === 0;
}
