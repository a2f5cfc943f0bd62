import { buildingOf, normaliseMatterText } from '../../domain/src/matter/matter.util';
import { cosine, features, inverseDocumentFrequency, type AnalysedText, type TextAnalyzer } from './text-analyzer';

/** A complaint as the same-matter ranking sees it. */
export interface SameMatterText {
  id: string;
  unit: string | null;
  location: string | null;
  /** Description, demand and place, as one text. */
  text: string;
  receivedAt: number;
}

export type SameMatterLink = 'UNIT' | 'BUILDING' | 'PLACE';

export interface SameMatterScore {
  id: string;
  score: number;
  /** How alike the texts are, 0..1. */
  similarity: number;
  /** The strongest structural link: same unit, same building, same place (normalised), or none. */
  link: SameMatterLink | null;
  /** Signed milliseconds from the source to the candidate. */
  apartMs: number;
}

/**
 * The weights of the ranking, chosen on the labelled evaluation set (test/fixtures/text-eval; a grid
 * over these, best precision of the top three): text similarity decides, a shared unit or place
 * adds a little, a shared building less (a building has many problems at once), closeness in time
 * breaks near-ties. Heavier structural weights ranked another problem of the same building first.
 */
export const SAME_MATTER_WEIGHTS: SameMatterWeights = { similarity: 4, unit: 0.5, building: 0.25, place: 0.5, closeness: 0.25, minSimilarity: 0.05 };

export interface SameMatterWeights {
  similarity: number;
  unit: number;
  building: number;
  place: number;
  closeness: number;
  /** Below this similarity a complaint with no structural link is not a candidate. */
  minSimilarity: number;
}
function linkOf(s: SameMatterText, c: SameMatterText): SameMatterLink | null {
  const unit = normaliseMatterText(s.unit);
  if (unit && normaliseMatterText(c.unit) === unit) return 'UNIT';
  const place = normaliseMatterText(s.location);
  if (place && normaliseMatterText(c.location) === place) return 'PLACE';
  const building = buildingOf(s.unit);
  if (building && buildingOf(c.unit) === building) return 'BUILDING';
  return null;
}

/**
 * Ranks a pool of complaints (same branch and category, within the window: the caller's query) as
 * candidates for the same matter as `source`: text similarity (cosine over words and bigrams,
 * weighted by how rare each is in the pool), the structural link, closeness in time. Best first;
 * those with neither a link nor `minSimilarity` are left out.
 */
export function rankSameMatter(
  analyzer: TextAnalyzer, source: SameMatterText, pool: readonly SameMatterText[], windowMs: number, tenantTerms: readonly string[] = [],
  w: SameMatterWeights = SAME_MATTER_WEIGHTS,
): SameMatterScore[] {
  const linkWeight: Record<SameMatterLink, number> = { UNIT: w.unit, BUILDING: w.building, PLACE: w.place };
  const analysed = new Map<string, AnalysedText>();
  const of = (c: SameMatterText): AnalysedText => {
    let a = analysed.get(c.id);
    if (!a) {
      a = analyzer.analyse(c.text, tenantTerms);
      analysed.set(c.id, a);
    }
    return a;
  };
  const idf = inverseDocumentFrequency([source, ...pool].map(of));
  // The source's vector once, not once per candidate.
  const sourceVector = features(of(source), idf);
  const out: SameMatterScore[] = [];
  for (const c of pool) {
    if (c.id === source.id) continue;
    const similarity = cosine(sourceVector, features(of(c), idf));
    const link = linkOf(source, c);
    if (!link && similarity < w.minSimilarity) continue;
    const apartMs = c.receivedAt - source.receivedAt;
    const closeness = windowMs > 0 ? Math.max(0, 1 - Math.abs(apartMs) / windowMs) : 0;
    const score = w.similarity * similarity + (link ? linkWeight[link] : 0) + w.closeness * closeness;
    out.push({ id: c.id, score: Math.round(score * 1000) / 1000, similarity, link, apartMs });
  }
  return out.sort((a, b) => b.score - a.score || Math.abs(a.apartMs) - Math.abs(b.apartMs) || (a.id < b.id ? -1 : 1));
}
