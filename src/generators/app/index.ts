// `yo pydocker` / `pydocker new`: thin Yeoman glue around prepare (resolve) → plan → render.
import Generator, { type BaseOptions } from 'yeoman-generator';
import { type Answers, OPTIONS } from '../../answers/options.js';
import { answersText } from '../../preset/answers-file.js';
import { type RenderedFile, TEMPLATES_DIR } from '../../render/render.js';
import { buildProject, doneMessage, missingAnswersError, type NewContext, prepareNew, writeProject } from '../../usecase/new-project.js';
import { askAboutConflicts } from '../conflict-questions.js';
import { envOptions } from '../env-options.js';
import { promptQuestion } from './questions.js';

type AppOptions = BaseOptions &
  Record<string, unknown> & { dir?: string; yes?: boolean; force?: boolean; interactive?: boolean; preset?: string; answers?: string; printAnswers?: boolean };

export default class AppGenerator extends Generator<Record<string, unknown>, AppOptions> {
  private ctx!: NewContext;
  private answers!: Answers;
  private files: RenderedFile[] = [];
  private notes: string[] = [];

  constructor(args: string[], opts: AppOptions) {
    super(args, opts, { customInstallTask: true });
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
    this.ctx = await prepareNew({
      cwd: this.destinationRoot(),
      ...(this.options.dir ? { dir: this.options.dir } : {}),
      flags: this.options,
      ...(this.options.preset ? { preset: this.options.preset } : {}),
      ...(this.options.answers ? { answersFile: this.options.answers } : {}),
      force: Boolean(this.options.force || envOptions(this.env).force),
      readOnly: Boolean(this.options.printAnswers),
      warn: (m) => this.log(m),
    });
  }

  async prompting(): Promise<void> {
    const { proposed, missing, given } = this.ctx.resolution;
    const answers: Answers = { ...proposed };
    const interactive = this.options.interactive ?? Boolean(process.stdin.isTTY);
    if (missing.length > 0 && !this.options.yes && !this.options.printAnswers) {
      if (!interactive) throw missingAnswersError(missing);
      // Every answer not given, in order; one that depends on an earlier typed answer is decided then.
      for (const o of OPTIONS) {
        if (given.has(o.key) || o.askWhen?.(answers) === false) continue;
        Object.assign(answers, await this.prompt<Answers>([promptQuestion(o.key, answers)]));
      }
    }
    if (this.options.printAnswers) {
      this.answers = answers;
      return;
    }
    ({ answers: this.answers, files: this.files, notes: this.notes } = buildProject(this.ctx, answers));
  }

  private get dryRun(): boolean {
    return Boolean(this.options.dryRun || envOptions(this.env).dryRun);
  }

  async writing(): Promise<void> {
    if (this.options.printAnswers) {
      process.stdout.write(answersText(this.answers));
      return;
    }
    // Our writer, not mem-fs: all or nothing, .yo-rc.json last, the folder created only when writing.
    const interactive = this.options.interactive ?? Boolean(process.stdin.isTTY);
    const log = (l: string) => this.log(l);
    await writeProject(this.ctx, this.answers, this.files, {
      force: this.ctx.force,
      dryRun: this.dryRun,
      log,
      ...(interactive ? { decide: (conflicts) => askAboutConflicts((q) => this.prompt<{ action: string }>(q), conflicts, log) } : {}),
    });
  }

  end(): void {
    if (!this.options.printAnswers) this.log(this.dryRun ? 'Dry run: nothing was written.' : doneMessage(this.answers, this.notes));
  }
}
