import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES, type Category } from '../../domain/src/enums';

/** Keyword weights per category: the classifier's starting point until a tenant has its own data. */
export type CategoryLexicon = Record<Category, Record<string, number>>;

/**
 * The product's Chinese text data, kept as files in `libs/text/data/` (the Docker image copies
 * them next to the compiled code): jieba's user dictionary of property-management words, synonym
 * groups (canonical word first), stop words, and the category lexicon.
 */
export interface TextResources {
  /** jieba's user-dictionary format, one `word freq tag` per line. */
  userDictionary: string;
  /** Synonym groups, the canonical word first. */
  synonyms: string[][];
  stopwords: string[];
  lexicon: CategoryLexicon;
}

/** The folder of the data files, beside `src/` both in the source tree and under `dist/`. */
export const TEXT_DATA_DIR = join(__dirname, '..', 'data');

/** Lines without comments (`#`) and blank lines. */
export function dataLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim()).filter((l) => l !== '');
}

/** A lexicon checked for its shape: every category present, weights positive numbers. */
export function parseLexicon(json: unknown): CategoryLexicon {
  if (typeof json !== 'object' || json === null) throw new Error('category lexicon: expected an object of categories');
  const out = {} as CategoryLexicon;
  for (const c of CATEGORIES) {
    const terms = (json as Record<string, unknown>)[c];
    if (typeof terms !== 'object' || terms === null) throw new Error(`category lexicon: ${c} is missing`);
    out[c] = {};
    for (const [term, w] of Object.entries(terms)) {
      if (typeof w !== 'number' || !(w > 0)) throw new Error(`category lexicon: ${c}.${term} must be a positive number`);
      out[c][term.normalize('NFKC').toLowerCase()] = w;
    }
  }
  return out;
}

export function loadTextResources(dir: string = TEXT_DATA_DIR): TextResources {
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  return {
    // jieba reads the format itself; only comments and blank lines go.
    userDictionary: dataLines(read('property-dict.txt')).join('\n'),
    synonyms: dataLines(read('synonyms.txt')).map((l) => l.split(/\s+/).map((w) => w.normalize('NFKC').toLowerCase())),
    stopwords: dataLines(read('stopwords.txt')).map((w) => w.normalize('NFKC').toLowerCase()),
    lexicon: parseLexicon(JSON.parse(read('category-lexicon.json'))),
  };
}
