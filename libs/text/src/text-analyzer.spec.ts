import { TextAnalyzer, inverseDocumentFrequency } from './text-analyzer';
import type { TextResources } from './text-resources';
import { CATEGORIES } from '../../domain/src/enums';

const lexicon = Object.fromEntries(CATEGORIES.map((c) => [c, {}])) as TextResources['lexicon'];
const analyzer = new TextAnalyzer({
  userDictionary: '物业费 2000 n\n业委会 2000 n\n坏了 3000 v',
  synonyms: [['故障', '坏了', '失灵'], ['漏水', '渗水']],
  stopwords: ['的', '了', '又', '好'],
  lexicon,
});

const lexemes = (vector: string): string[] => [...vector.matchAll(/'([^']+)'/g)].map((m) => m[1]);

describe('TextAnalyzer', () => {
  it('segments with the user dictionary, drops stop words and folds synonyms to the canonical word', () => {
    const a = analyzer.analyse('住3栋，电梯又坏了，业委会不管');
    expect(a.words).toEqual(expect.arrayContaining(['电梯', '坏了', '业委会']));
    expect(a.words).not.toContain('又');
    expect(a.canonical[a.words.indexOf('坏了')]).toBe('故障');
    expect(a.alnum).toEqual(['3']);
    expect(a.singles).toEqual(['住', '栋', '了', '管']);
    expect(a.bigrams).toEqual(expect.arrayContaining(['电梯', '梯又', '坏了']));
  });

  it('writes a tsvector literal with the canonical synonym beside the word, weighted by field', () => {
    const v = analyzer.searchVector({ complainantName: '王阿姨', description: '电梯又坏了', location: null, demand: '尽快修' });
    expect(lexemes(v)).toEqual(expect.arrayContaining(['电梯', '坏了', '故障', '王阿']));
    expect(v).toMatch(/'王阿':\d+A/);
    expect(v).toMatch(/'故障':\d+B/);
    expect(v).toMatch(/'尽快':\d+C/);
  });

  it('builds a query in which every term must match, as words or as its bigrams', () => {
    expect(analyzer.searchQuery('电梯坏了')).toBe("(('电梯' & ('坏了' | '故障')) | ('电梯' & '梯坏' & '坏了'))");
    expect(analyzer.searchQuery('漏')).toBe("'漏':*");
    // A character followed by something not Chinese ends a run in any text that holds the query: whole.
    expect(analyzer.searchQuery('3栋 1201')).toBe("'3' & '栋' & '1201':*");
    expect(analyzer.searchQuery('8栋1003')).toBe("'8' & '栋' & '1003':*");
    // At the end of the query it may go on in the text ("3栋" finds "3栋楼"): a prefix.
    expect(analyzer.searchQuery('3栋')).toBe("'3' & '栋':*");
    // Long runs of letters and digits likewise: whole when the query goes on, a prefix at its end.
    expect(analyzer.searchQuery('GZ01-2026-000123')).toBe("'gz01' & '2026' & '000123':*");
  });

  it('finds nothing searchable in punctuation, and quotes cannot break out of a lexeme', () => {
    expect(analyzer.searchQuery('!!! ，。 ---')).toBeNull();
    expect(analyzer.searchQuery("a' | '!b")).toBe("'a' & 'b'");
  });

  it('bounds a query to 16 terms however long the text', () => {
    const q = analyzer.searchQuery(Array.from({ length: 100 }, (_, i) => `x${i}`).join(' ')) as string;
    expect(q.split(' & ')).toHaveLength(16);
  });

  it('scores the same matter in other words above an unrelated complaint', () => {
    const a = analyzer.analyse('3号楼电梯坏了');
    const same = analyzer.analyse('3号楼电梯失灵，老人被困');
    const other = analyzer.analyse('物业费收得太贵');
    const idf = inverseDocumentFrequency([a, same, other]);
    expect(analyzer.similarity(a, a, idf)).toBeCloseTo(1, 5);
    expect(analyzer.similarity(a, same, idf)).toBeGreaterThan(0.3);
    expect(analyzer.similarity(a, other, idf)).toBe(0);
  });
});
