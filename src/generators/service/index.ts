// `yo pydocker:service <kind>` / `pydocker add <kind>`: adds a component to an existing project, editing its
// files in place (see src/edit/update.ts). Everything is decided before writing; answers are stored last.
import Generator, { type BaseOptions } from 'yeoman-generator';
import { UsageError } from '../../answers/errors.js';
import { ADDABLE_KINDS, addableTo } from '../../edit/add-kind.js';
import { TEMPLATES_DIR } from '../../render/render.js';
import { envOptions } from '../env-options.js';
import { type AddContext, type AddPlan, addedMessage, loadProject, manualStepsError, planAddition, writeAddition } from '../../usecase/add-service.js';

type ServiceOptions = BaseOptions & Record<string, unknown> & { kind?: string; yes?: boolean; interactive?: boolean; broker?: string };

export default class ServiceGenerator extends Generator<Record<string, unknown>, ServiceOptions> {
  private ctx!: AddContext;
  private result?: AddPlan;
  private kind = '';

  constructor(args: string[], opts: ServiceOptions) {
    super(args, opts, { customInstallTask: true });
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
      if (!interactive || this.options.yes)
        throw new UsageError(`say what to add, e.g. \`pydocker add ${choices[0] ?? 'redis'}\`; this project can take: ${choices.join(', ')}`);
      ({ kind } = await this.prompt<{ kind: string }>([{ type: 'select', name: 'kind', message: 'Service to add', choices }]));
    }
    this.kind = kind!;
    this.result = planAddition(this.ctx, this.kind, this.options.broker ? { broker: this.options.broker } : {});
    if (this.result.status === 'present') this.log(this.result.message);
  }

  private get dryRun(): boolean {
    return Boolean(this.options.dryRun || envOptions(this.env).dryRun);
  }

  async writing(): Promise<void> {
    if (this.result?.status !== 'added') return;
    // Each edit was decided by a merge that kept the person's changes; our writer applies them all or nothing.
    await writeAddition(this.ctx, this.result, { dryRun: this.dryRun, log: (l) => this.log(l) });
  }

  end(): void {
    if (this.result?.status !== 'added') return;
    this.log(addedMessage(this.kind, this.result.update.writes.length, this.dryRun));
    const error = manualStepsError(this.result.update);
    if (error) throw error;
  }
}
