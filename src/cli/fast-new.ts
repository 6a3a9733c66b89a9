// `pydocker new` without Yeoman, when nothing needs Yeoman: every answer is known (flags, answers file, preset
// locks, or --yes) and the target holds no project whose files could conflict. Loading yeoman-environment costs
// more than everything else together, so this is what makes scripted and CI generation fast. Anything else
// (prompts, re-runs into an existing project, --dry-run) goes through the Yeoman generator.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AnswerKey } from '../answers/options.js';
import { answersText } from '../preset/answers-file.js';
import { buildProject, CONFIG_FILE_KEY, doneMessage, type NewRequest, prepareNew, projectState } from '../generators/app/prepare.js';

export type FastResult = { done: true } | { done: false; reason: string; missing?: AnswerKey[] };

export async function fastNew(req: NewRequest & { yes: boolean; printAnswers: boolean }): Promise<FastResult> {
  const ctx = await prepareNew(req);
  const { proposed, missing } = ctx.resolution;
  if (req.printAnswers) {
    process.stdout.write(answersText(proposed));
    return { done: true };
  }
  if (ctx.stored) return { done: false, reason: 'the folder holds a project: conflicts need Yeoman' };
  if (missing.length > 0 && !req.yes) return { done: false, reason: 'answers to ask', missing };
  const { answers, files } = buildProject(ctx, proposed);
  // Everything is rendered before the first write; a new folder gets no conflicts to resolve.
  for (const f of files) {
    const path = join(ctx.target, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    if (f.executable) chmodSync(path, 0o755);
  }
  writeFileSync(join(ctx.target, '.yo-rc.json'), `${JSON.stringify({ [CONFIG_FILE_KEY]: projectState(answers, ctx.preset) }, null, 2)}\n`);
  for (const f of [...files.map((x) => x.path), '.yo-rc.json'].sort()) console.log(`   create ${f}`);
  console.log(doneMessage(answers));
  return { done: true };
}
