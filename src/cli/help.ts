// `pydocker --help`: built from the same options table as the prompts and validation.
import { BROKERS, defaultsFor, OPTIONS } from '../answers/options.js';
import { ADDABLE_KINDS } from '../edit/add-kind.js';

export function helpText(version: string): string {
  const d = defaultsFor('my-service');
  const lines = [
    `pydocker ${version}: scaffold a containerised Python web service`,
    '',
    'Usage:',
    '  pydocker new [dir] [options]     generate a project (same as `yo pydocker [dir]`)',
    '  pydocker add <kind> [options]    add a service to the project in this folder (same as `yo pydocker:service <kind>`)',
    `                                   kinds: ${ADDABLE_KINDS.join(', ')}`,
    `                                   (worker: --broker ${BROKERS.join('|')}, default the one the project has)`,
    '  pydocker upgrade [options]       move the project in this folder to this generator version, keeping your changes',
    '                                   (same as `yo pydocker:upgrade`); --conflict=fail|markers|ask, --allow-dirty,',
    '                                   --migrate-postgres, --base-generator <dir>, --dry-run',
    '  pydocker preset init [dir]       scaffold a team preset package',
    '  pydocker preset check [dir]      validate a preset (schema, answers, template overlay)',
    '  pydocker preset schema           print the preset JSON schema with every allowed value (for editors)',
    '  pydocker --help | --version',
    '',
    'Answers (each has a prompt; a flag answers it, --yes takes the default for the rest):',
  ];
  for (const o of OPTIONS) {
    const values = 'choices' in o ? ` ${o.kind === 'multi' ? `${o.choices.join(',')}|none` : o.choices.join('|')}` : o.kind === 'number' ? ' <n>' : ' <text>';
    lines.push(`  --${o.flag}${values}`.padEnd(58) + o.help);
  }
  lines.push(
    '',
    'Behaviour:',
    '  -y, --yes                                               take the default for every answer not given',
    '  --preset <folder|package>                               team preset: defaults, locked answers, values, template overlay',
    '  --answers <file>                                        YAML/JSON file with answers, e.g. from --print-answers',
    '  --print-answers                                         print the effective answers as YAML; write nothing',
    '  --force                                                 overwrite changed files; generate into a non-empty folder',
    '  --dry-run                                               show what would change, write nothing',
    '  --skip-install                                          accepted for Yeoman compatibility (nothing is installed)',
    '  -h, --help                                              this text',
    '',
    'Without a terminal every answer must be given as a flag, or --yes passed; otherwise the command exits 2.',
    `Defaults: ${[d.framework, d.database, d.cache, d.proxy, d.observability.join(',')].join(', ')}, Python ${d.python}, port ${d.port}.`,
  );
  return lines.join('\n');
}
