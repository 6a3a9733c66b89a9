// In a terminal, a file the person changed is a question: overwrite, keep, or look at the difference first.
import type { PromptQuestion } from 'yeoman-generator';
import type { AssessedFile } from '../write/assess.js';
import { fileDiff } from '../write/diff.js';

type Prompt = (questions: PromptQuestion<{ action: string }>[]) => Promise<{ action: string }>;

const CHOICES = [
  { name: 'Overwrite it', value: 'write' },
  { name: 'Keep mine', value: 'skip' },
  { name: 'Show the differences', value: 'diff' },
  { name: 'Overwrite this and every other changed file', value: 'all' },
  { name: 'Keep this and every other changed file', value: 'none' },
];

/** Asks about each changed file; returns the paths to overwrite. */
export async function askAboutConflicts(prompt: Prompt, conflicts: AssessedFile[], log: (l: string) => void): Promise<Set<string>> {
  const overwrite = new Set<string>();
  let rest: 'write' | 'skip' | undefined;
  for (const c of conflicts) {
    let decision = rest;
    while (decision === undefined) {
      const { action } = await prompt([{ type: 'select', name: 'action', message: `${c.path} differs from what the generator writes`, choices: CHOICES }]);
      if (action === 'diff') log(fileDiff(c.path, c.current ?? '', c.content, c.secret));
      else if (action === 'all' || action === 'none') decision = rest = action === 'all' ? 'write' : 'skip';
      else decision = action === 'write' ? 'write' : 'skip';
    }
    if (decision === 'write') overwrite.add(c.path);
  }
  return overwrite;
}
