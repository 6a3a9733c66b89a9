// `yo pydocker:upgrade` / `pydocker upgrade`: moves the project in this folder to this generator version,
// keeping the person's changes (src/usecase/upgrade-project.ts). In a terminal, each conflicting file is a
// question unless --conflict says otherwise.
import Generator, { type BaseOptions } from 'yeoman-generator';
import { UsageError } from '../../answers/errors.js';
import { TEMPLATES_DIR } from '../../render/render.js';
import { CONFLICT_CHOICES, type ConflictChoice, type ConflictMode, upgradeProject } from '../../usecase/upgrade-project.js';
import { envOptions } from '../env-options.js';

type UpgradeOptions = BaseOptions &
  Record<string, unknown> & { conflict?: string; allowDirty?: boolean; migratePostgres?: boolean; baseGenerator?: string; interactive?: boolean };

export default class UpgradeGenerator extends Generator<Record<string, unknown>, UpgradeOptions> {
  constructor(args: string[], opts: UpgradeOptions) {
    super(args, opts, { customInstallTask: true });
    this.option('conflict', { type: String, description: 'fail (default without a terminal), markers, or ask (default in one)' });
    this.option('allow-dirty', { type: Boolean, description: 'upgrade even with uncommitted changes in git' });
    this.option('migrate-postgres', { type: Boolean, description: 'move PostgreSQL 17 projects to 18 (writes the dump-and-restore steps)' });
    this.option('base-generator', { type: String, description: 'a checkout of the generator version that made the project' });
    this.sourceRoot(TEMPLATES_DIR);
  }

  async writing(): Promise<void> {
    const interactive = this.options.interactive ?? Boolean(process.stdin.isTTY);
    const conflict = (this.options.conflict ?? (interactive ? 'ask' : 'fail')) as ConflictMode;
    if (!['fail', 'markers', 'ask'].includes(conflict)) throw new UsageError(`--conflict: unknown value "${conflict}"; valid values: fail, markers, ask`);
    await upgradeProject({
      root: this.destinationRoot(),
      conflict,
      dryRun: Boolean(this.options.dryRun || envOptions(this.env).dryRun),
      allowDirty: Boolean(this.options.allowDirty ?? this.options['allow-dirty']),
      migratePostgres: Boolean(this.options.migratePostgres ?? this.options['migrate-postgres']),
      ...((this.options.baseGenerator ?? this.options['base-generator'])
        ? { baseGenerator: String(this.options.baseGenerator ?? this.options['base-generator']) }
        : {}),
      log: (l) => this.log(l),
      warn: (m) => this.log(m),
      ...(interactive
        ? {
            ask: async (c) => {
              this.log(`\n${c.file}: your changes overlap the new version's. Its change:\n${c.hunk}`);
              const { choice } = await this.prompt<{ choice: ConflictChoice }>([
                {
                  type: 'select',
                  name: 'choice',
                  message: `${c.file}:`,
                  choices: CONFLICT_CHOICES,
                },
              ]);
              return choice;
            },
          }
        : {}),
    });
  }
}
