// `pydocker upgrade`: the options, and in a terminal the question per conflicting file (--conflict=ask).
import { UsageError } from '../answers/errors.js';
import { CONFLICT_CHOICES, type ConflictChoice, type ConflictMode, upgradeProject } from '../usecase/upgrade-project.js';

const MODES: ConflictMode[] = ['fail', 'markers', 'ask'];

export async function upgradeCommand(root: string, values: Record<string, unknown>): Promise<void> {
  const conflict = (values.conflict ?? (process.stdin.isTTY ? 'ask' : 'fail')) as ConflictMode;
  if (!MODES.includes(conflict)) throw new UsageError(`--conflict: unknown value "${String(values.conflict)}"; valid values: ${MODES.join(', ')}`);
  const interactive = Boolean(process.stdin.isTTY);
  if (conflict === 'ask' && !interactive) throw new UsageError('--conflict=ask needs a terminal to ask in; use --conflict=markers or --conflict=fail');
  await upgradeProject({
    root,
    conflict,
    dryRun: Boolean(values['dry-run']),
    allowDirty: Boolean(values['allow-dirty']),
    migratePostgres: Boolean(values['migrate-postgres']),
    ...(typeof values['base-generator'] === 'string' ? { baseGenerator: values['base-generator'] } : {}),
    log: (l) => console.log(l),
    warn: (m) => console.error(m),
    ...(interactive
      ? {
          ask: async (c) => {
            const { select } = await import('@inquirer/prompts');
            console.log(`\n${c.file}: your changes overlap the new version's. Its change:\n${c.hunk}`);
            return select<ConflictChoice>({
              message: `${c.file}:`,
              choices: CONFLICT_CHOICES,
            });
          },
        }
      : {}),
  });
}
