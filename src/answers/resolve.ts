// One place decides every answer, with one precedence:
// built-in defaults < preset defaults < stored (.yo-rc.json) < answers file < flags < what the person types,
// except answers a preset locks: those are never asked, and anything that disagrees with them is an error.
import { isDeepStrictEqual } from 'node:util';
import { type Answers, type AnswerKey, OPTIONS, defaultsFor } from './options.js';
import { defaultBroker } from '../components/choices.js';
import { AnswerError, parsePartial, validateOnce } from './validate.js';

export interface AnswerSources {
  folderName: string;
  preset?: { name: string; defaults: Partial<Answers>; locked: Partial<Answers>; registryPrefix?: string };
  stored?: Record<string, unknown>;
  /** Answers from `--answers FILE`, with the file's name for messages. */
  answersFile?: { name: string; values: Record<string, unknown> };
  flags?: Record<string, unknown>;
}

export interface Resolution {
  /** Defaults merged with everything given; what a prompt would offer. */
  proposed: Answers;
  /** Answers that were given (stored, answers file, flags or locked) and need no question. */
  given: Set<AnswerKey>;
  /** Answers still to ask (or to take from defaults with --yes). */
  missing: AnswerKey[];
  locked: Set<AnswerKey>;
}

export function resolveAnswers(sources: AnswerSources): Resolution {
  const problems: string[] = [];
  const stored = parsePartial(sources.stored ?? {}, '.yo-rc.json', problems);
  const file = parsePartial(sources.answersFile?.values ?? {}, sources.answersFile?.name ?? 'answers file', problems);
  const flags = parsePartial(sources.flags ?? {}, 'flags', problems);
  const preset = sources.preset;
  const locked = preset?.locked ?? {};
  for (const [key, value] of Object.entries(locked)) {
    for (const [origin, given] of [
      ['flag --' + flagOf(key as AnswerKey), flags],
      [sources.answersFile?.name ?? '', file],
      ['.yo-rc.json', stored],
    ] as const) {
      const v = (given as Record<string, unknown>)[key];
      if (v !== undefined && !isDeepStrictEqual(v, value)) {
        problems.push(`${origin}: ${key} is locked to ${JSON.stringify(value)} by preset "${preset!.name}"; it cannot be ${JSON.stringify(v)}`);
      }
    }
  }
  if (problems.length > 0) throw new AnswerError(problems);

  const base = defaultsFor(sources.folderName);
  const named = locked.name ?? flags.name ?? file.name ?? stored.name ?? preset?.defaults.name ?? base.name;
  // The registry default follows the chosen name (under the preset's registry), unless something set it.
  const registry = preset?.registryPrefix ? `${preset.registryPrefix}/${named}` : named;
  // The worker's broker defaults to a dedicated broker the project has (see defaultBroker).
  const extras = locked.extras ?? flags.extras ?? file.extras ?? stored.extras ?? preset?.defaults.extras ?? base.extras;
  const broker = defaultBroker({ extras });
  const proposed: Answers = { ...base, registry, broker, ...preset?.defaults, ...stored, ...file, ...flags, ...locked };
  const given = new Set<AnswerKey>([stored, file, flags, locked].flatMap((g) => Object.keys(g) as AnswerKey[]));
  // Questions that do not apply to these answers (the broker without a worker) are not missing.
  const missing = OPTIONS.filter((o) => !given.has(o.key) && o.askWhen?.(proposed) !== false).map((o) => o.key);
  return { proposed, given, missing, locked: new Set(Object.keys(locked) as AnswerKey[]) };
}

function flagOf(key: AnswerKey): string {
  return OPTIONS.find((o) => o.key === key)?.flag ?? key;
}

/** Final check of a complete set of answers; throws every problem at once. */
export function finalizeAnswers(answers: Answers): Answers {
  const problems = validateOnce(answers);
  if (problems.length > 0) throw new AnswerError(problems);
  return answers;
}
