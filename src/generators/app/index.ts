// `yo pydocker` / `pydocker new`: thin Yeoman glue around resolve → plan → render.
import { existsSync, readFileSync, type Stats } from 'node:fs';
import { basename, resolve } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { UsageError } from '../../answers/errors.js';
import { type Answers, type AnswerKey, OPTIONS } from '../../answers/options.js';
import { finalizeAnswers, resolveAnswers } from '../../answers/resolve.js';
import { AnswerError } from '../../answers/validate.js';
import { plan } from '../../plan/plan.js';
import { answersText, readAnswersFile } from '../../preset/answers-file.js';
import type { Preset } from '../../preset/load.js';
import { parseEnvFile } from '../../render/env-files.js';
import { render, type RenderedFile, TEMPLATES_DIR } from '../../render/render.js';
import { checkTargetFolder, readStoredAnswers, readStoredPreset } from './project-folder.js';
import { presetFor } from './preset-for.js';
import { promptQuestion } from './questions.js';

type AppOptions = BaseOptions &
  Record<string, unknown> & { dir?: string; yes?: boolean; force?: boolean; interactive?: boolean; preset?: string; answers?: string; printAnswers?: boolean };

const EXECUTABLE = { stat: { mode: 0o755 } as Stats };

export default class AppGenerator extends Generator<Record<string, unknown>, AppOptions> {
  private target = '';
  private storedAnswers: Record<string, unknown> | undefined;
  private preset: Preset | undefined;
  private answers!: Answers;
  private files: RenderedFile[] = [];

  constructor(args: string[], opts: Record<string, unknown>) {
    super(args, opts as never, { customInstallTask: true } as never);
    this.argument('dir', { type: String, required: false, description: 'Folder to generate into (its name is the default project name)' });
    for (const o of OPTIONS) this.option(o.flag, { type: o.kind === 'number' ? Number : String, description: o.help });
    this.option('yes', { type: Boolean, alias: 'y', description: 'Take the default for every answer not given' });
    this.option('preset', { type: String, description: 'Team preset: a folder, or an npm package (pydocker-preset-*)' });
    this.option('answers', { type: String, description: 'YAML/JSON file with answers (as --print-answers writes)' });
    this.option('print-answers', { type: Boolean, description: 'Print the effective answers and write nothing' });
    this.sourceRoot(TEMPLATES_DIR);
  }

  async initializing(): Promise<void> {
    // The folder is only entered (and created) when writing, so bad input leaves nothing behind.
    this.target = this.options.dir ? resolve(this.destinationRoot(), this.options.dir) : this.destinationRoot();
    this.storedAnswers = readStoredAnswers(this.target);
    const force = Boolean(this.options.force || (this.env as unknown as { options?: { force?: boolean } }).options?.force);
    if (!this.options.printAnswers) checkTargetFolder(this.target, this.storedAnswers !== undefined, force);
    const stored = this.storedAnswers ? readStoredPreset(this.target) : undefined;
    this.preset = await presetFor(this.options.preset, stored, this.destinationRoot(), (m) => this.log(m));
  }

  async prompting(): Promise<void> {
    const flags: Record<string, unknown> = {};
    for (const o of OPTIONS) {
      const v = this.options[o.flag];
      if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isNaN(v))) flags[o.key] = v;
    }
    // The positional folder names the project, unless --name says otherwise or the project already has one.
    const dir = this.options.dir;
    if (dir && flags.name === undefined && this.storedAnswers?.name === undefined) flags.name = basename(resolve(dir));

    const p = this.preset;
    const { proposed, missing } = resolveAnswers({
      folderName: basename(this.target),
      stored: this.storedAnswers,
      flags,
      ...(this.options.answers ? { answersFile: readAnswersFile(this.options.answers, this.destinationRoot()) } : {}),
      ...(p ? { preset: { name: p.name, defaults: p.defaults, locked: p.locked, ...(p.values.registry ? { registryPrefix: p.values.registry } : {}) } } : {}),
    });
    const answers: Answers = { ...proposed };
    const interactive = this.options.interactive ?? Boolean(process.stdin.isTTY);
    if (missing.length > 0 && !this.options.yes && !this.options.printAnswers) {
      if (!interactive) {
        throw new UsageError(
          `no terminal to ask in, and these answers are missing: ${missing.map((k) => `--${flagOf(k)}`).join(', ')}.\n` +
            'Give them as flags or in --answers FILE, or pass --yes to take the defaults (see --help).',
        );
      }
      for (const key of missing) Object.assign(answers, await this.prompt(promptQuestion(key, answers) as never));
    }
    try {
      this.answers = finalizeAnswers(answers);
      if (this.options.printAnswers) return;
      const envPath = resolve(this.target, '.env');
      const existingEnv = existsSync(envPath) ? parseEnvFile(readFileSync(envPath, 'utf8')) : {};
      const stackPlan = plan(this.answers, p ? { name: p.name, version: p.version, values: p.values } : undefined);
      this.files = render(stackPlan, { existingEnv, ...(p?.templatesDir ? { overlay: p.templatesDir } : {}) });
    } catch (err) {
      if (err instanceof AnswerError) throw new UsageError(err.message);
      throw err;
    }
  }

  writing(): void {
    if (this.options.printAnswers) {
      process.stdout.write(answersText(this.answers));
      return;
    }
    if (this.target !== this.destinationRoot()) this.destinationRoot(this.target);
    for (const f of this.files) this.fs.write(this.destinationPath(f.path), f.content, f.executable ? EXECUTABLE : undefined);
    // Stored last, so a failure above leaves no state claiming the project was generated.
    this.config.set('answers', this.answers);
    if (this.preset) this.config.set('preset', { name: this.preset.name, version: this.preset.version, source: this.preset.source });
    this.config.set('version', 1);
  }

  end(): void {
    if (this.options.printAnswers) return;
    const a = this.answers;
    this.log(`\n${a.name} is ready (${a.framework}, ${a.database} database, ${a.cache} cache, ${a.proxy} proxy).`);
    this.log('Next: cd into it and run `docker compose up --watch`; README.md explains dev, tests, deploy and rollback.');
  }
}

function flagOf(key: AnswerKey): string {
  return OPTIONS.find((o) => o.key === key)?.flag ?? key;
}
