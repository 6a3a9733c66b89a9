// Generator versions: comparing them, and what each version's answers are (an older generator refuses answers
// it does not know, so the base render gets only the answers that version had).

/** -1, 0 or 1 as `a` is older than, the same as, or newer than `b` (x.y.z). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) < (pb[i] ?? 0) ? -1 : 1;
  return 0;
}

/** The first version that asked each answer added after 0.1.0. */
const ANSWER_SINCE: Record<string, string> = { packaging: '0.2.0' };

/** The answers a generator of `version` knows. */
export function answersFor(version: string, answers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(answers).filter(([k]) => !ANSWER_SINCE[k] || compareVersions(version, ANSWER_SINCE[k]!) >= 0));
}
