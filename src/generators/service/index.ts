// `yo pydocker:service <kind>` / `pydocker add <kind>`: adds a component to an existing project, editing its
// files in place (see src/edit/update.ts). Everything is decided before writing; answers are stored last.
import { existsSync, readFileSync, type Stats } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { UsageError } from '../../answers/errors.js';
import type { Answers } from '../../answers/options.js';
import { finalizeAnswers, resolveAnswers } from '../../answers/resolve.js';
import { AnswerError } from '../../answers/validate.js';
import { addableTo, addKind, ADDABLE_KINDS } from '../../edit/add-kind.js';
import { ComposeParseError } from '../../edit/compose-merge.js';
import { type ManualStep, updateProject } from '../../edit/update.js';
import { plan } from '../../plan/plan.js';
import type { RenderedFile } from '../../render/render.js';
import { TEMPLATES_DIR } from '../../render/render.js';
import { readStoredAnswers, readStoredPreset } from '../app/project-folder.js';
import { presetFor } from '../app/preset-for.js';
import type { Preset } from '../../preset/load.js';
import { basename } from 'node:path';

type ServiceOptions = BaseOptions & Record<string, unknown> & { kind?: string; yes?: boolean; interactive?: boolean };
const EXECUTABLE = { stat: { mode: 0o755 } as Stats };

export default class ServiceGenerator extends Generator<Record<string, unknown>, ServiceOptions> {
  private answers!: Answers;
  private next?: Answers;
  private writes: RenderedFile[] = [];
  private manual: ManualStep[] = [];

  constructor(args: string[], opts: Record<string, unknown>) {
    super(args, opts as never, { customInstallTask: true } as never);
    this.argument('kind', { type: String, required: false, description: `What to add: ${ADDABLE_KINDS.join(', ')}` });
    this.option('yes', { type: Boolean, alias: 'y', description: 'Do not ask; fail if the kind is missing' });
    this.sourceRoot(TEMPLATES_DIR);
  }

  private preset: Preset | undefined;

  async initializing(): Promise<void> {
    const root = this.destinationRoot();
    const stored = readStoredAnswers(root);
    if (stored === undefined) {
      throw new UsageError(`${root} is not a pydocker project (no .yo-rc.json with generator-pydocker answers). Run this inside a project made by \`pydocker new\`.`);
    }
    try {
      const { proposed, missing } = resolveAnswers({ folderName: basename(root), stored });
      if (missing.length > 0) throw new UsageError(`.yo-rc.json lacks the answers ${missing.join(', ')}; run \`pydocker new\` in this folder to complete them`);
      this.answers = finalizeAnswers(proposed);
    } catch (err) {
      if (err instanceof AnswerError) throw new UsageError(`.yo-rc.json holds answers that are not valid: ${err.message}`);
      throw err;
    }
    // The project's preset keeps applying: its values, locks and template overlay.
    this.preset = await presetFor(undefined, readStoredPreset(root), root, (m) => this.log(m));
  }

  async prompting(): Promise<void> {
    let kind = this.options.kind;
    if (!kind) {
      const interactive = this.options.interactive ?? Boolean(process.stdin.isTTY);
      const choices = addableTo(this.answers);
      if (!interactive || this.options.yes) throw new UsageError(`say what to add, e.g. \`pydocker add ${choices[0] ?? 'redis'}\`; this project can take: ${choices.join(', ')}`);
      ({ kind } = await this.prompt<{ kind: string }>([{ type: 'select', name: 'kind', message: 'Service to add', choices }]));
    }
    const locked = this.preset && Object.keys(this.preset.locked);
    const addition = addKind(this.answers, kind!);
    if (addition.status === 'added' && locked) {
      const changed = locked.filter((k) => JSON.stringify(addition.answers[k as keyof Answers]) !== JSON.stringify(this.answers[k as keyof Answers]));
      if (changed.length > 0) throw new UsageError(`preset "${this.preset!.name}" locks ${changed.join(', ')}; ${kind} cannot be added to this project`);
    }
    if (addition.status === 'present') {
      this.log(addition.message);
      return;
    }
    this.next = addition.answers;
    const read = (p: string) => {
      const path = this.destinationPath(p);
      return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    };
    try {
      const p = this.preset;
      const presetPlan = p ? { name: p.name, version: p.version, values: p.values } : undefined;
      const update = updateProject(plan(this.answers, presetPlan), plan(this.next, presetPlan), read, p?.templatesDir ? { overlay: p.templatesDir } : {});
      this.writes = update.writes;
      this.manual = update.manual;
    } catch (err) {
      if (err instanceof ComposeParseError || err instanceof AnswerError) throw new UsageError(err.message);
      throw err;
    }
  }

  private get dryRun(): boolean {
    return Boolean(this.options.dryRun || (this.env as unknown as { options?: { dryRun?: boolean } }).options?.dryRun);
  }

  writing(): void {
    if (!this.next) return;
    if (this.dryRun) {
      // Show the edits as unified diffs; Yeoman's own dry-run would only list files we mark as decided.
      for (const f of this.writes) {
        const path = this.destinationPath(f.path);
        const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
        this.log(createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, current, f.content, '', '', { context: 2 }));
      }
      return;
    }
    for (const f of this.writes) {
      const path = this.destinationPath(f.path);
      this.fs.write(path, f.content, f.executable ? EXECUTABLE : undefined);
      // Each edit was decided by a merge that kept the user's changes; don't ask "overwrite?" again.
      const file = (this.fs as unknown as { store: { get(p: string): { conflicter?: string } } }).store.get(path);
      file.conflicter = 'force';
    }
    this.config.set('answers', this.next);
  }

  end(): void {
    if (!this.next) return;
    const verb = this.dryRun ? 'Dry run, nothing written: adding' : 'Added';
    this.log(`${verb} ${this.options.kind ?? ''}: ${this.writes.length} file(s) ${this.dryRun ? 'would be' : ''} created or edited.`.replace('  ', ' '));
    if (this.manual.length > 0) {
      const steps = this.manual.map((m) => `\n${m.file}: ${m.instructions}`).join('\n');
      throw new UsageError(`some changes could not be placed automatically; make them by hand:${steps}`);
    }
  }
}
