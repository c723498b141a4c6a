/**
 * Optimal string alignment distance (Damerau–Levenshtein restricted to adjacent transpositions):
 * insertions, deletions, substitutions and swaps of two neighbouring characters each cost 1, so
 * `hotmial` is one step from `hotmail`. Returns `max + 1` as soon as the distance is known to exceed
 * `max`, which keeps the typo check cheap for far-apart strings.
 */
export function editDistance(
  a: string,
  b: string,
  max = Number.POSITIVE_INFINITY,
  substitutionCost: (x: number, y: number) => number = () => 1,
): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rolling rows: two rows back (for transpositions), previous, current.
  let prevPrev = new Array<number>(m + 1).fill(0);
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : substitutionCost(ai, bj);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        v = Math.min(v, prevPrev[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const spare = prevPrev;
    prevPrev = prev;
    prev = cur;
    cur = spare;
  }
  const d = prev[m]!;
  return d > max ? max + 1 : d;
}

const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const NEAR = new Map<number, Set<number>>();
ROWS.forEach((row, r) => {
  for (let c = 0; c < row.length; c++) {
    const near = new Set<number>();
    const add = (rr: number, cc: number) => {
      const ch = ROWS[rr]?.[cc];
      if (ch) near.add(ch.charCodeAt(0));
    };
    add(r, c - 1);
    add(r, c + 1);
    add(r - 1, c);
    add(r - 1, c + 1);
    add(r + 1, c - 1);
    add(r + 1, c);
    NEAR.set(row.charCodeAt(c), near);
  }
});

/** 1 for neighbouring keys on a QWERTY keyboard (`n`/`m`, `o`/`p`), 2 for any other pair. */
export function keyboardSubstitutionCost(x: number, y: number): number {
  return NEAR.get(x)?.has(y) ? 1 : 2;
}

/**
 * The distance the typo check uses: `editDistance` where swapping two neighbours, dropping or doubling a
 * letter cost 1, and so does hitting a neighbouring key (`gnail`), but any other substitution costs 2:
 * `xcloud` is not one slip away from `icloud`, nor `email` from `gmail`.
 */
export function typoDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  return editDistance(a, b, max, keyboardSubstitutionCost);
}
