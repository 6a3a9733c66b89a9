// The `pydocker` command: works as root and without a terminal (where `yo` cannot), runs the same generators.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OPTIONS } from '../answers/options.js';
import { SIGNALS, writeCommitted, writeInProgress } from '../write/interrupt.js';
import { signalExitCode } from '../write/write-error.js';
import { helpText } from './help.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

function parse(argv: string[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    yes: { type: 'boolean', short: 'y' },
    force: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'skip-install': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    preset: { type: 'string' },
    answers: { type: 'string' },
    'print-answers': { type: 'boolean' },
    version: { type: 'boolean' },
    conflict: { type: 'string' },
    'allow-dirty': { type: 'boolean' },
    'migrate-postgres': { type: 'boolean' },
    'base-generator': { type: 'string' },
  };
  for (const o of OPTIONS) options[o.flag] = { type: 'string' };
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nRun \`pydocker --help\` for the options.`);
  }
}

const GENERATORS = {
  new: { name: 'app', load: () => import('../generators/app/index.js') },
  add: { name: 'service', load: () => import('../generators/service/index.js') },
} as const;

async function runGenerator(command: keyof typeof GENERATORS, positionals: string[], values: Record<string, unknown>): Promise<void> {
  if (positionals.length > 1) throw new CliError(`expected at most one ${command === 'new' ? 'folder' : 'kind'}, got: ${positionals.join(' ')}`);
  if (command === 'new') {
    const { fastNew } = await import('./fast-new.js');
    const result = await fastNew({
      cwd: process.cwd(),
      // An empty folder argument is refused, not taken as "here".
      ...(positionals[0] !== undefined ? { dir: positionals[0] } : {}),
      flags: values,
      ...(typeof values.preset === 'string' ? { preset: values.preset } : {}),
      ...(typeof values.answers === 'string' ? { answersFile: values.answers } : {}),
      force: Boolean(values.force),
      readOnly: Boolean(values['print-answers']),
      yes: Boolean(values.yes),
      printAnswers: Boolean(values['print-answers']),
      dryRun: Boolean(values['dry-run']),
      interactive: Boolean(process.stdin.isTTY),
      warn: (m) => console.error(m),
    });
    if (result.done) return;
    if (result.missing && !process.stdin.isTTY) {
      // No terminal to ask in: say so here, as the generator would, without loading Yeoman.
      const { missingAnswersError } = await import('../usecase/new-project.js');
      throw missingAnswersError(result.missing);
    }
  }
  if (command === 'add' && positionals[0]) {
    const { fastAdd } = await import('./fast-add.js');
    return fastAdd(process.cwd(), positionals[0], Boolean(values['dry-run']), values.broker as string | undefined);
  }
  const { name, load } = GENERATORS[command];
  // Yeoman reads .yo-rc.json before our code runs; check it first so a broken one gets our message and exit 2.
  const { readStoredAnswers } = await import('../usecase/project-folder.js');
  readStoredAnswers(resolve(process.cwd(), command === 'new' ? (positionals[0] ?? '.') : '.'));
  // Loaded only when a generator runs: yeoman-environment dominates start-up time.
  const [{ createEnv }, { default: Gen }] = await Promise.all([import('yeoman-environment'), load()]);
  const env = createEnv({ force: Boolean(values.force), dryRun: Boolean(values['dry-run']), skipInstall: true });
  const namespace = `pydocker:${name}`;
  env.register(Gen, { namespace, resolved: new URL(`../generators/${name}/index.js`, import.meta.url).pathname });
  const generatorOptions: Record<string, unknown> = { yes: Boolean(values.yes), force: Boolean(values.force), skipInstall: true };
  if (values.preset !== undefined) generatorOptions.preset = values.preset;
  if (command === 'add' && values.broker !== undefined) generatorOptions.broker = values.broker;
  if (values.answers !== undefined) generatorOptions.answers = values.answers;
  if (values['print-answers']) generatorOptions.printAnswers = true;
  for (const o of OPTIONS) if (values[o.flag] !== undefined) generatorOptions[o.flag] = values[o.flag];
  await env.run([namespace, ...positionals], generatorOptions);
}

/**
 * Outside a write, a signal ends the run at once: nothing has been written yet. During a write, the writer's
 * own handlers roll back and the run ends with its InterruptedError; after the write, the run finishes.
 */
function exitOnSignal(signal: NodeJS.Signals): void {
  if (writeInProgress() || writeCommitted()) return;
  console.error(`pydocker: interrupted by ${signal}; nothing was changed`);
  process.exit(signalExitCode(signal));
}

export async function main(argv: string[]): Promise<number> {
  for (const s of SIGNALS) process.on(s, exitOnSignal);
  try {
    const { values, positionals } = parse(argv);
    if (values.version) {
      console.log(VERSION);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      console.log(helpText(VERSION));
      return command === undefined && !values.help ? 2 : 0;
    }
    if (command === 'new' || command === 'add') {
      if (command === 'add' && (OPTIONS.some((o) => o.flag !== 'broker' && values[o.flag] !== undefined) || values.preset || values.answers)) {
        throw new CliError("`pydocker add` takes a kind (and --broker for a worker), not answers: the project's answers are in its .yo-rc.json");
      }
      await runGenerator(command, rest, values);
      return 0;
    }
    if (command === 'upgrade') {
      if (rest.length > 0 || OPTIONS.some((o) => values[o.flag] !== undefined) || values.preset || values.answers) {
        throw new CliError(
          '`pydocker upgrade` takes no answers: it keeps the ones in .yo-rc.json (options: --conflict, --allow-dirty, --migrate-postgres, --base-generator, --dry-run)',
        );
      }
      const { upgradeCommand } = await import('./upgrade-command.js');
      await upgradeCommand(process.cwd(), values);
      return 0;
    }
    if (command === 'preset') {
      const { presetCommand } = await import('./preset-command.js');
      return await presetCommand(rest, process.cwd());
    }
    throw new CliError(`unknown command "${command}"; commands: new, add, upgrade, preset. Run \`pydocker --help\`.`);
  } catch (err) {
    const e = err as Error & { exitCode?: number };
    console.error(`pydocker: ${e.message}`);
    if (e.exitCode === undefined && process.env.PYDOCKER_DEBUG) console.error(e.stack);
    return e.exitCode ?? 1;
  }
}
