// `yo pydocker:service <kind>` / `pydocker add <kind>`: adds a component to an existing project, editing its
// files in place (see src/edit/update.ts). Everything is decided before writing; answers are stored last.
import type { Stats } from 'node:fs';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { UsageError } from '../../answers/errors.js';
import { ADDABLE_KINDS, addableTo } from '../../edit/add-kind.js';
import { TEMPLATES_DIR } from '../../render/render.js';
import { type AddContext, type AddPlan, addedMessage, diffOf, loadProject, manualStepsError, planAddition } from './prepare.js';

type ServiceOptions = BaseOptions & Record<string, unknown> & { kind?: string; yes?: boolean; interactive?: boolean; broker?: string };
const EXECUTABLE = { stat: { mode: 0o755 } as Stats };

export default class ServiceGenerator extends Generator<Record<string, unknown>, ServiceOptions> {
  private ctx!: AddContext;
  private result?: AddPlan;
  private kind = '';

  constructor(args: string[], opts: Record<string, unknown>) {
    super(args, opts as never, { customInstallTask: true } as never);
    this.argument('kind', { type: String, required: false, description: `What to add: ${ADDABLE_KINDS.join(', ')}` });
    this.option('yes', { type: Boolean, alias: 'y', description: 'Do not ask; fail if the kind is missing' });
    this.option('broker', { type: String, description: 'Broker of the worker: redis or rabbitmq (default: the one the project has)' });
    this.sourceRoot(TEMPLATES_DIR);
  }

  async initializing(): Promise<void> {
    this.ctx = await loadProject(this.destinationRoot(), (m) => this.log(m));
  }

  async prompting(): Promise<void> {
    let kind = this.options.kind;
    if (!kind) {
      const interactive = this.options.interactive ?? Boolean(process.stdin.isTTY);
      const choices = addableTo(this.ctx.answers);
      if (!interactive || this.options.yes) throw new UsageError(`say what to add, e.g. \`pydocker add ${choices[0] ?? 'redis'}\`; this project can take: ${choices.join(', ')}`);
      ({ kind } = await this.prompt<{ kind: string }>([{ type: 'select', name: 'kind', message: 'Service to add', choices }]));
    }
    this.kind = kind!;
    this.result = planAddition(this.ctx, this.kind, this.options.broker ? { broker: this.options.broker } : {});
    if (this.result.status === 'present') this.log(this.result.message);
  }

  private get dryRun(): boolean {
    return Boolean(this.options.dryRun || (this.env as unknown as { options?: { dryRun?: boolean } }).options?.dryRun);
  }

  writing(): void {
    if (this.result?.status !== 'added') return;
    const { writes } = this.result.update;
    if (this.dryRun) {
      // Show the edits as unified diffs; Yeoman's own dry-run would only list files we mark as decided.
      for (const f of writes) this.log(diffOf(this.destinationPath(f.path), f.path, f.content));
      return;
    }
    for (const f of writes) {
      const path = this.destinationPath(f.path);
      this.fs.write(path, f.content, f.executable ? EXECUTABLE : undefined);
      // Each edit was decided by a merge that kept the user's changes; don't ask "overwrite?" again.
      const file = (this.fs as unknown as { store: { get(p: string): { conflicter?: string } } }).store.get(path);
      file.conflicter = 'force';
    }
    this.config.set('answers', this.result.next);
  }

  end(): void {
    if (this.result?.status !== 'added') return;
    this.log(addedMessage(this.kind, this.result.update.writes.length, this.dryRun));
    const error = manualStepsError(this.result.update);
    if (error) throw error;
  }
}
