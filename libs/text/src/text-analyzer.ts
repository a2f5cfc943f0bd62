import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { loadTextResources, type TextResources } from './text-resources';

/** What a piece of text is, as search, similarity and the classifier see it. */
export interface AnalysedText {
  /** jieba's words without stop words, normalised (NFKC, lower case), in order; a tenant's own terms found in the text added. */
  words: string[];
  /** Each word's canonical synonym (the word itself when it has none), parallel to `words`. */
  canonical: string[];
  /** Character bigrams of every run of Chinese characters: what the dictionary misses (names, new words). */
  bigrams: string[];
  /**
   * Runs of one Chinese character (between digits or punctuation: "3栋", "5号"), and the last
   * character of every longer run: with the bigrams, every character starts a lexeme, so a
   * one-character search (a prefix) finds it wherever it stands.
   */
  singles: string[];
  /** Runs of Latin letters and digits ("3", "1201", "gz01"). */
  alnum: string[];
}

/** The text fields of a complaint that search covers, by weight (A highest). */
export interface SearchFields {
  complainantName: string | null;
  description: string | null;
  location: string | null;
  demand: string | null;
}

// Lexemes are only these characters, so a tsvector or tsquery literal needs no escaping beyond quotes.
const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;
const ALNUM_RUN = /[a-z0-9]+/g;
const LEXEME = /^[\p{Script=Han}a-z0-9]+$/u;
// PostgreSQL: positions 1..16383 and at most 256 per lexeme; a complaint's text is far below either.
const MAX_POSITION = 16383;
const MAX_POSITIONS_PER_LEXEME = 8;
// Bounds on what one text or query contributes (inputs are bounded at the edge; this bounds the work too).
const MAX_TEXT_CHARS = 10_000;
const MAX_QUERY_TERMS = 16;

export const normaliseText = (s: string): string => s.normalize('NFKC').toLowerCase();

function bigramsOf(run: string): string[] {
  const chars = [...run];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) out.push(chars[i] + chars[i + 1]);
  return out;
}

const quote = (lexeme: string): string => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * Chinese text as the product reads it: jieba (`@node-rs/jieba`, its own dictionary plus ours of
 * property-management words) for words, synonyms folded to one canonical word, and character
 * bigrams for what no dictionary knows. One instance per process (jieba's dictionary is large);
 * a tenant's own terms are passed per call.
 */
export class TextAnalyzer {
  private readonly jieba: Jieba;
  private readonly canonicalOf = new Map<string, string>();
  private readonly stop: Set<string>;

  constructor(readonly resources: TextResources) {
    this.jieba = Jieba.withDict(dict);
    this.jieba.loadDict(Buffer.from(resources.userDictionary, 'utf8'));
    for (const group of resources.synonyms) for (const w of group) if (!this.canonicalOf.has(w)) this.canonicalOf.set(w, group[0]);
    this.stop = new Set(resources.stopwords);
  }

  /** The canonical synonym of a (normalised) word, or the word. */
  canonical(word: string): string {
    return this.canonicalOf.get(word) ?? word;
  }

  isStopword(word: string): boolean {
    return this.stop.has(word);
  }

  analyse(text: string | null | undefined, tenantTerms: readonly string[] = []): AnalysedText {
    const t = normaliseText((text ?? '').slice(0, MAX_TEXT_CHARS));
    const words = this.jieba.cut(t, true).filter((w) => LEXEME.test(w) && !this.stop.has(w));
    // A tenant's own terms (an estate's name, a local word) count as words wherever they appear.
    for (const term of tenantTerms) if (term && t.includes(term) && !words.includes(term)) words.push(term);
    const bigrams: string[] = [];
    const singles: string[] = [];
    for (const run of t.match(HAN_RUN) ?? []) {
      const chars = [...run];
      if (chars.length === 1) singles.push(run);
      else {
        bigrams.push(...bigramsOf(run));
        singles.push(chars[chars.length - 1]);
      }
    }
    return { words, canonical: words.map((w) => this.canonical(w)), bigrams, singles, alnum: t.match(ALNUM_RUN) ?? [] };
  }

  /**
   * The complaint's `search_vector` as a tsvector literal (cast with `CAST($n AS tsvector)`: the cast
   * takes lexemes as given, so PostgreSQL's own parser, which knows no Chinese, is never involved).
   * Weights: A the complainant's name, B description and place, C the demand. Every word appears
   * with its canonical synonym, so "电梯坏了" is found by "电梯故障".
   */
  searchVector(fields: SearchFields, tenantTerms: readonly string[] = []): string {
    const positions = new Map<string, string[]>();
    let pos = 0;
    const add = (lexeme: string, weight: 'A' | 'B' | 'C'): void => {
      pos = Math.min(pos + 1, MAX_POSITION);
      const at = positions.get(lexeme) ?? [];
      if (at.length < MAX_POSITIONS_PER_LEXEME) at.push(`${pos}${weight}`);
      positions.set(lexeme, at);
    };
    const field = (text: string | null, weight: 'A' | 'B' | 'C'): void => {
      const a = this.analyse(text, tenantTerms);
      a.words.forEach((w, i) => {
        add(w, weight);
        if (a.canonical[i] !== w) add(a.canonical[i], weight);
      });
      for (const x of [...a.bigrams, ...a.singles, ...a.alnum]) add(x, weight);
    };
    field(fields.complainantName, 'A');
    field(fields.description, 'B');
    field(fields.location, 'B');
    field(fields.demand, 'C');
    return [...positions].map(([lexeme, at]) => `${quote(lexeme)}:${at.join(',')}`).join(' ');
  }

  /**
   * A search box's text as a tsquery literal, or null when it holds nothing searchable. Every term
   * must match (AND); a run of Chinese characters matches either as words (each word or any of its
   * synonyms) or as all of its bigrams (what a substring search would find), so nothing that
   * `ILIKE '%…%'` found is lost. One character matches as a prefix (a word or bigram starting with
   * it), or whole when the query goes on after it with something not Chinese.
   * Letters and digits match whole runs ("3" does not find "13"); runs of four or more as a prefix
   * when the query ends with them.
   */
  searchQuery(text: string, tenantTerms: readonly string[] = []): string | null {
    const t = normaliseText(text);
    const terms: string[] = [];
    for (const m of t.matchAll(/[\p{Script=Han}]+|[a-z0-9]+/gu)) {
      const piece = m[0];
      if (terms.length >= MAX_QUERY_TERMS) break;
      const followed = (m.index ?? 0) + piece.length < t.length;
      if (!HAN.test(piece)) {
        // Long numbers and codes are often typed in part (a reference, a phone number): a prefix,
        // unless the query goes on after it ("GZ01-2026-…": the run ends there in the text too).
        terms.push(piece.length >= 4 && !followed ? `${quote(piece)}:*` : quote(piece));
        continue;
      }
      const chars = [...piece];
      if (chars.length === 1) {
        // Followed by anything but a Chinese character ("8栋1003", "3号，"), the character ends a run
        // wherever the text holds the query, and every run's last character is a lexeme: matched
        // whole. A prefix would read every lexeme it starts (in "8栋1003", most complaints' units).
        terms.push(followed ? quote(piece) : `${quote(piece)}:*`);
        continue;
      }
      const a = this.analyse(piece, tenantTerms);
      const asWords = a.words.map((w, i) => {
        const c = a.canonical[i];
        if ([...w].length === 1 && c === w) return `${quote(w)}:*`;
        return c === w ? quote(w) : `(${quote(w)} | ${quote(c)})`;
      });
      const asBigrams = [...new Set(a.bigrams)].map(quote);
      const bigramAlt = `(${asBigrams.join(' & ')})`;
      terms.push(asWords.length ? `((${asWords.join(' & ')}) | ${bigramAlt})` : bigramAlt);
    }
    return terms.length ? terms.join(' & ') : null;
  }

  /**
   * How alike two texts are, 0..1: cosine over their canonical words, each weighted by `idf` when
   * given (words common to every complaint count for little). Bigrams and digits are left out: on
   * the evaluation set they made the same-matter ranking worse (building numbers and shared
   * character pairs tie different matters of one building together).
   */
  similarity(a: AnalysedText, b: AnalysedText, idf?: (feature: string) => number): number {
    return cosine(features(a, idf), features(b, idf));
  }

  /** A tsquery matching any of the text's words (by canonical synonym, at most `max`), or null when it has none. */
  anyWordQuery(a: AnalysedText, max: number): string | null {
    const words = [...new Set(a.canonical)].slice(0, max);
    return words.length ? words.map(quote).join(' | ') : null;
  }
}

/** The cosine of two weighted feature vectors (0 when either is empty). */
export function cosine(va: ReadonlyMap<string, number>, vb: ReadonlyMap<string, number>): number {
  let dot = 0;
  for (const [f, w] of va) dot += w * (vb.get(f) ?? 0);
  const norm = (v: ReadonlyMap<string, number>): number => Math.sqrt([...v.values()].reduce((s, w) => s + w * w, 0));
  const d = norm(va) * norm(vb);
  return d === 0 ? 0 : dot / d;
}

/** The weighted features of a text for similarity: its words by their canonical synonym. */
export function features(a: AnalysedText, idf?: (feature: string) => number): Map<string, number> {
  const v = new Map<string, number>();
  for (const c of a.canonical) v.set(c, (v.get(c) ?? 0) + (idf ? idf(c) : 1));
  return v;
}

/** Inverse document frequencies over a set of texts (smoothed, so an unseen feature weighs most). */
export function inverseDocumentFrequency(docs: readonly AnalysedText[]): (feature: string) => number {
  const df = new Map<string, number>();
  for (const d of docs) for (const f of features(d).keys()) df.set(f, (df.get(f) ?? 0) + 1);
  const n = docs.length;
  return (f) => Math.log((n + 1) / ((df.get(f) ?? 0) + 1)) + 1;
}

let shared: TextAnalyzer | undefined;

/** The process's analyzer over the product's data files (built on first use: jieba's dictionary takes ~0.3 s). */
export function textAnalyzer(): TextAnalyzer {
  shared ??= new TextAnalyzer(loadTextResources());
  return shared;
}
