// `pydocker new` without Yeoman, when nothing needs Yeoman's questions: every answer is known (flags, answers
// file, preset locks, stored answers, or --yes), and no changed file needs a decision in a terminal. Loading
// yeoman-environment costs more than everything else together, so this is what makes scripted and CI
// generation fast. Both paths end in the same writer (src/usecase/commit.ts).
import type { AnswerKey } from '../answers/options.js';
import { answersText } from '../preset/answers-file.js';
import { ConflictError } from '../usecase/commit.js';
import { buildProject, doneMessage, type NewRequest, prepareNew, writeProject } from '../usecase/new-project.js';

export type FastResult = { done: true } | { done: false; reason: string; missing?: AnswerKey[] };

export async function fastNew(req: NewRequest & { yes: boolean; printAnswers: boolean; dryRun: boolean; interactive: boolean }): Promise<FastResult> {
  const ctx = await prepareNew(req);
  const { proposed, missing } = ctx.resolution;
  if (req.printAnswers) {
    process.stdout.write(answersText(proposed));
    return { done: true };
  }
  if (missing.length > 0 && !req.yes) return { done: false, reason: 'answers to ask', missing };
  const { answers, files, notes } = buildProject(ctx, proposed);
  try {
    await writeProject(ctx, answers, files, { force: req.force, dryRun: req.dryRun, log: (l) => console.log(l) });
  } catch (err) {
    // In a terminal, changed files are a question for the person: Yeoman asks it.
    if (err instanceof ConflictError && req.interactive) return { done: false, reason: 'changed files to ask about' };
    throw err;
  }
  console.log(req.dryRun ? '\nDry run: nothing was written.' : doneMessage(answers, notes));
  return { done: true };
}
