// A small set of combinations in which every pair of values of every two factors appears at least once
// (pairwise covering), built greedily and deterministically: start from the rows given, then repeatedly add
// the combination that covers the most pairs not yet covered (ties: the first in product order).
export type Factors = Record<string, readonly string[]>;
export type Row = Record<string, string>;

function product(factors: Factors): Row[] {
  let rows: Row[] = [{}];
  for (const [name, values] of Object.entries(factors)) rows = rows.flatMap((r) => values.map((v) => ({ ...r, [name]: v })));
  return rows;
}

const pairKey = (a: string, av: string, b: string, bv: string) => `${a}=${av}&${b}=${bv}`;

function pairsOf(factors: Factors, row: Row): string[] {
  const names = Object.keys(factors);
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) out.push(pairKey(names[i]!, row[names[i]!]!, names[j]!, row[names[j]!]!));
  }
  return out;
}

function allPairs(factors: Factors): Set<string> {
  const names = Object.keys(factors);
  const out = new Set<string>();
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      for (const av of factors[names[i]!]!) for (const bv of factors[names[j]!]!) out.add(pairKey(names[i]!, av, names[j]!, bv));
    }
  }
  return out;
}

/** Pairs of values no row covers (empty for a covering set). */
export function uncoveredPairs(factors: Factors, rows: Row[]): string[] {
  const missing = allPairs(factors);
  for (const r of rows) for (const p of pairsOf(factors, r)) missing.delete(p);
  return [...missing];
}

export function coveringSet(factors: Factors, seed: Row[] = []): Row[] {
  const rows = [...seed];
  const missing = new Set(uncoveredPairs(factors, rows));
  const candidates = product(factors);
  while (missing.size > 0) {
    let best: Row | undefined;
    let bestGain = 0;
    for (const c of candidates) {
      const gain = pairsOf(factors, c).filter((p) => missing.has(p)).length;
      if (gain > bestGain) {
        best = c;
        bestGain = gain;
      }
    }
    if (!best) break;
    rows.push(best);
    for (const p of pairsOf(factors, best)) missing.delete(p);
  }
  return rows;
}
