// Every question the generator asks, as data: the prompt, the flag, the allowed values and the default
// all come from this one table, so `--help`, validation, prompts and the answers file cannot drift apart.

import { BROKER_IDS, choicesOf, defaultBroker, labelled, requirementNotes } from '../components/choices.js';

// Choice values come from the component registry (src/components): a new component folder adds its value here.
export const FRAMEWORKS: readonly string[] = choicesOf('framework');
export const DATABASES: readonly string[] = choicesOf('database');
export const CACHES: readonly string[] = choicesOf('cache');
export const PROXIES: readonly string[] = choicesOf('proxy');
export const OBSERVABILITY: readonly string[] = choicesOf('observability');
export const EXTRAS: readonly string[] = choicesOf('extra');
export const BROKERS: readonly string[] = BROKER_IDS;
export const PACKAGINGS: readonly string[] = choicesOf('packaging');
/** The Python lines still supported upstream, the newest bugfix line (the default) first. */
export const PYTHONS = ['3.14', '3.13', '3.12', '3.11'] as const;

/** Component ids (validated against the registry's lists above). */
export type Framework = string;
export type Database = string;
export type Cache = string;
export type Proxy = string;
export type Observability = string;
export type Extra = string;
export type Broker = string;
export type PythonVersion = (typeof PYTHONS)[number];

export interface Answers {
  name: string;
  description: string;
  framework: Framework;
  database: Database;
  cache: Cache;
  proxy: Proxy;
  observability: Observability[];
  /** Services beyond the main slots: a message broker, a Celery worker, a database admin UI. */
  extras: Extra[];
  /** Broker of the Celery worker (only used with the worker). */
  broker: Broker;
  python: PythonVersion;
  /** How the Python dependencies are locked and installed (uv with uv.lock, or pip with hashed requirements). */
  packaging: string;
  port: number;
  registry: string;
}

export type AnswerKey = keyof Answers;

interface BaseOption {
  key: AnswerKey;
  flag: string;
  message: string;
  help: string;
  /** Asked only when this holds for the answers so far (e.g. the broker only with a worker). */
  askWhen?: (a: Answers) => boolean;
}
export interface TextOption extends BaseOption {
  kind: 'text';
}
export interface NumberOption extends BaseOption {
  kind: 'number';
}
export interface SelectOption extends BaseOption {
  kind: 'select';
  choices: readonly string[];
}
export interface MultiOption extends BaseOption {
  kind: 'multi';
  choices: readonly string[];
}
export type OptionSpec = TextOption | NumberOption | SelectOption | MultiOption;

export const OPTIONS: readonly OptionSpec[] = [
  { key: 'name', flag: 'name', kind: 'text', message: 'Project name', help: 'distribution name, e.g. my-service (default: the target folder name)' },
  { key: 'description', flag: 'description', kind: 'text', message: 'Short description', help: 'one line for README and pyproject.toml' },
  { key: 'framework', flag: 'framework', kind: 'select', choices: FRAMEWORKS, message: 'Web framework', help: 'web framework' },
  { key: 'database', flag: 'database', kind: 'select', choices: DATABASES, message: 'Database', help: 'database' },
  { key: 'cache', flag: 'cache', kind: 'select', choices: CACHES, message: 'Cache', help: 'cache' },
  { key: 'proxy', flag: 'proxy', kind: 'select', choices: PROXIES, message: 'Reverse proxy', help: 'reverse proxy in front of the app' },
  {
    key: 'observability',
    flag: 'observability',
    kind: 'multi',
    choices: OBSERVABILITY,
    message: 'Observability',
    help: `comma-separated, or 'none'${requirementNotes('observability')}`,
  },
  { key: 'extras', flag: 'extras', kind: 'multi', choices: EXTRAS, message: 'Extra services', help: `comma-separated, or 'none': ${labelled('extra')}` },
  {
    key: 'broker',
    flag: 'broker',
    kind: 'select',
    choices: BROKERS,
    message: 'Broker of the Celery worker',
    help: `broker of the worker (with --extras worker); default: ${BROKERS.filter((b) => b !== defaultBroker({})).join(' or ')} when chosen, else ${defaultBroker({})}`,
    askWhen: (a) => a.extras.includes('worker'),
  },
  { key: 'python', flag: 'python', kind: 'select', choices: PYTHONS, message: 'Python version of the image', help: 'Python of the Docker image' },
  {
    key: 'packaging',
    flag: 'packaging',
    kind: 'select',
    choices: PACKAGINGS,
    message: 'Dependency locking and install',
    help: `how dependencies are locked and installed: ${labelled('packaging')}`,
  },
  { key: 'port', flag: 'port', kind: 'number', message: 'Port the app listens on', help: 'port the app listens on inside its container' },
  {
    key: 'registry',
    flag: 'registry',
    kind: 'text',
    message: 'Image repository for deploys',
    help: 'image repository the deploy script pushes to (default: a local image name)',
  },
];

/** Built-in defaults; `name` and `registry` depend on the folder and name, so they are filled in by `defaultsFor`. */
export function defaultsFor(folderName: string): Answers {
  const name = toDistributionName(folderName) || 'my-service';
  return {
    name,
    description: 'A containerised Python web service',
    framework: 'fastapi',
    database: 'postgres',
    cache: 'redis',
    proxy: 'nginx',
    observability: ['prometheus', 'grafana'],
    extras: [],
    broker: defaultBroker({}),
    python: '3.14',
    packaging: 'uv',
    port: 8000,
    registry: name,
  };
}

/** Best-effort normalisation of a folder name into a valid name, used only for the default. */
export function toDistributionName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // A name must start with a letter (folders like `2024-api` or a temporary hash do not).
  return /^[0-9]/.test(name) ? `app-${name}` : name;
}
