// Progress output of the long-running scripts (`npm start`, the bench): `[tag] text` lines,
// coloured on a terminal unless NO_COLOR is set.

export type Say = (line: string) => void;

const COLORS = { cyan: 36, magenta: 35, yellow: 33, green: 32, red: 31, blue: 34, gray: 90, bold: 1 } as const;
export type Color = keyof typeof COLORS;

const useColor = !!process.stdout.isTTY && !process.env.NO_COLOR;

export type Paint = (text: string, color: Color) => string;

export const paint: Paint = (text, color) => (useColor ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text);

/** No colours (tests, files). */
export const plain: Paint = (text) => text;

/** Progress lines: `[tag] text` on stdout. */
export function makeSay(tag: string, color: Color = 'blue'): Say {
  return (line) => void process.stdout.write(`${paint(`[${tag}]`, color)} ${line}\n`);
}
