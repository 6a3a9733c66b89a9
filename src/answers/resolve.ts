// One place decides every answer, with one precedence:
// built-in defaults < preset defaults < stored (.yo-rc.json) < flags < what the person types.
import { type Answers, type AnswerKey, OPTIONS, defaultsFor } from './options.js';
import { AnswerError, checkAnswers, parsePartial } from './validate.js';

export interface AnswerSources {
  folderName: string;
  presetDefaults?: Partial<Answers>;
  stored?: Record<string, unknown>;
  flags?: Record<string, unknown>;
}

export interface Resolution {
  /** Defaults merged with everything given; what a prompt would offer. */
  proposed: Answers;
  /** Answers that were given (stored or flags) and need no question. */
  given: Set<AnswerKey>;
  /** Answers still to ask (or to take from defaults with --yes). */
  missing: AnswerKey[];
}

export function resolveAnswers(sources: AnswerSources): Resolution {
  const problems: string[] = [];
  const stored = parsePartial(sources.stored ?? {}, '.yo-rc.json', problems);
  const flags = parsePartial(sources.flags ?? {}, 'flags', problems);
  if (problems.length > 0) throw new AnswerError(problems);

  const base = defaultsFor(sources.folderName);
  const named = flags.name ?? stored.name ?? sources.presetDefaults?.name ?? base.name;
  // The registry default follows the chosen name, unless something set it explicitly.
  const proposed: Answers = { ...base, registry: named, ...sources.presetDefaults, ...stored, ...flags };
  const given = new Set<AnswerKey>([...(Object.keys(stored) as AnswerKey[]), ...(Object.keys(flags) as AnswerKey[])]);
  const missing = OPTIONS.map((o) => o.key).filter((k) => !given.has(k));
  return { proposed, given, missing };
}

/** Final check of a complete set of answers; throws every problem at once. */
export function finalizeAnswers(answers: Answers): Answers {
  const problems = checkAnswers(answers);
  if (problems.length > 0) throw new AnswerError(problems);
  return answers;
}
