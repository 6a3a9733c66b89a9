// What a component is: one user-facing choice (or an always-on part of every project) that declares, as data,
// everything it adds to the generated project. The planner merges these; nothing else knows about a choice.
import type { Answers } from '../answers/options.js';
import type { StackPlan } from '../plan/types.js';

/**
 * Where a component sits: `core` is in every project, `support` only when another component implies it (an
 * ORM), the others are the choices a person makes (one framework; at most one database, cache and proxy; any
 * set of observability and extras; one way of installing the Python dependencies).
 */
export type Slot = 'core' | 'support' | 'framework' | 'database' | 'cache' | 'proxy' | 'observability' | 'extra' | 'packaging';

/**
 * What a component is, for the shared files and the rules of other components: shared templates test these
 * flags (computed once per plan), never component ids.
 */
export type Capability =
  | 'database' // the app has a database (DATABASE_URL)
  | 'database-server' // ...run as its own `db` service
  | 'cache' // a `cache` service
  | 'broker' // a message broker service
  | 'proxy' // a reverse proxy in front of `web`
  | 'metrics-scraper' // something scrapes /metrics
  | 'tracing' // the app exports traces
  | 'error-reporting'; // the app reports unhandled errors

/** An image the generated project pins, and the support window of its line. */
export interface ImagePin {
  ref: string;
  line: string;
  /** The day the vendor stops supporting the line (YYYY-MM-DD), or 'none' where it publishes no end. */
  eol: string;
  source: string;
  note?: string;
}

/** A component that can carry Celery's tasks (the worker's `--broker`). */
export interface CeleryBroker {
  /** Broker URL, interpolated by compose from the project's env variables. */
  url: string;
  /** The celery requirement when this is the broker (e.g. `celery[redis]`). */
  requirement: string;
  /** How the README names it as the broker (`Redis (database 1)`). */
  about: string;
  /** The broker URL of a natively run app in development, and a production-like one for the tests. */
  devUrl: string;
  testUrl: string;
}

/** Another component this one cannot work without. */
export interface Requirement {
  id: string;
  /** Why, as the end of "X needs Y…" (e.g. " as its data source"). */
  why?: string;
}

/** A compose-spec service mapping, kept as plain data and written with `yaml`. */
export type ComposeService = Record<string, unknown>;

export interface EnvVar {
  name: string;
  description: string;
  /** Value written to `.env` for development; `secret` means a random value generated for this project. */
  dev: string | { secret: true };
  /** Value shown in `.env.prod.example`. Secrets default to an empty value the deploy refuses. */
  prod?: string;
  /** Compose refuses to start production when this is unset (`${VAR:?...}`). */
  requiredInProd?: boolean;
  /** Only meaningful in production (e.g. IMAGE): left out of `.env` and `.env.example`. */
  prodOnly?: boolean;
}

/**
 * A value production containers read from a file (a Compose secret under /run/secrets), never from their
 * environment, so `docker inspect` shows no password. scripts/deploy.sh writes it into ./secrets from the env file.
 */
export interface SecretFile {
  /** The file's name under ./secrets and /run/secrets (`postgres_password`). */
  name: string;
  /** Its content: text interpolating the env file's variables with Compose's `${VAR}`, `${VAR:-x}`, `${VAR:?msg}`. */
  value: string;
}

export interface FileSpec {
  /**
   * Template path in the component's own `templates/` folder (the shared top-level `templates/` for the core
   * components). Files ending in `.ejs` are rendered; others are copied as they are.
   */
  from: string;
  /** Path in the generated project. */
  to: string;
  executable?: boolean;
  /** Values the template sees besides the shared context (a shared template rendered for this component). */
  locals?: Record<string, unknown>;
}

/** A partial: its template in the component's folder, with values of its own like a file's. */
export type PartialSpec = string | { from: string; locals: Record<string, unknown> };

/** How the framework is served; used by the Dockerfile, compose and the Makefile. */
export interface ServeSpec {
  /** Exec-form command of the production image (after the init). */
  command: string[];
  /** Command of the development container: auto-reload. */
  devCommand: string[];
  /** One-shot migration command; absent when the project has nothing to migrate. */
  migrateCommand?: string[];
  /** The module the server loads, for the README's layout (`app/main.py`). */
  entryPoint: string;
  /** How the README names the server (`gunicorn with uvicorn workers`). */
  server: string;
  /** gunicorn.conf.py: the worker class settings (Python lines). */
  workers: string;
}

/** Another process run from the app's own image (a worker, a scheduler), with the app's environment. */
export interface AppProcess {
  command: string[];
  /** Development command, when it differs (e.g. with auto-reload). */
  devCommand?: string[];
  healthcheck?: Record<string, unknown>;
  /** Grace period for in-flight work on stop (e.g. a task finishing). */
  stopGracePeriod?: string;
  limits?: { cpus?: string; memory: string };
}

/** What the README says about a component; shared README sections are built from these. */
export interface DocsFacet {
  /** Display name in prose (`PostgreSQL`, `nginx`). */
  name?: string;
  /** A database's ORM, after its name (` with SQLAlchemy 2 and Alembic migrations`). */
  orm?: string;
  /** After the database's name in the README's table (` (file … in the volume)`). */
  note?: string;
  /** Rows of the "What is in it" table, in order. */
  parts?: { part: string; choice: string }[];
  /** Rows of the development URL table (the app's own row comes first). */
  urls?: { what: string; url: string }[];
  /** Running the app natively: the compose service to start for it, and shell lines to run after. */
  native?: { service?: string; lines?: string[] };
  /** Variables compose builds for the app from the env file (`DATABASE_URL`). */
  builtVariables?: string[];
  /** Further variables the app reads, with where they come from (Markdown). */
  alsoRead?: string[];
  /** Steps of the production setup, before the first deploy (Markdown, may span lines). */
  deploySteps?: string[];
  /** Bullets of the Observability section (Markdown). */
  observability?: string[];
  /** Why its production service adds back the Linux capabilities it does (Markdown, one sentence). */
  capabilities?: string;
  /** Reaching this service's UI in production, where it publishes no port. */
  productionUi?: { name: string; port: number };
  /** Lines of the layout block: a path and what it holds. */
  layout?: { path: string; about: string }[];
}

/** One setting of `app/config.py`, and how `tests/test_config.py` exercises it. */
export interface SettingFacet {
  /** Orders fields: connections to services, then secrets, then error reporting, then tracing. */
  group: 'connection' | 'secret' | 'errors' | 'tracing';
  /** The dataclass field, e.g. `redis_url: str`. */
  field: string;
  /** How `from_env` reads it, e.g. `required("REDIS_URL", "redis://localhost:6379/0")`. */
  read: string;
  /** Module constants it needs (Python lines, comments included). */
  constants?: string[];
  /** A module helper function it needs (Python source). */
  helper?: string;
  /** A variable production requires, with a valid production value for the tests. */
  production?: [name: string, value: string];
  /** Asserts on the development default (Python lines of the test, indented). */
  devAssert?: string;
  /** A value the settings must refuse. */
  invalid?: [name: string, value: string];
  /** A test function of its own (Python source). */
  test?: string;
}

/** A service container of the generated CI's test job, and what the job's environment gets from it. */
export interface CiFacet {
  /** Template (in the component's folder) of its `services:` entry, indented as in the job. */
  service?: PartialSpec;
  /** Variables the test job sets for the app (pointing at the service container). */
  env?: Record<string, string>;
}

/** How the project's database is backed up and restored (scripts/backup.sh, scripts/restore.sh, README). */
export interface BackupFacet {
  engine: string;
  /** File extension of a backup before `.gz`. */
  ext: string;
  /** Whether backup.sh needs the deployed image (it runs in the web container). */
  needsImage: boolean;
  /** Values the engine's script parts use (partials `backup-dump` and `backup-restore`). */
  tool?: Record<string, string>;
  /** backup.sh --help: how the copy is taken (lines). */
  about: string;
  /** README: the sentence on how the copy is taken. */
  readme: string;
}

export interface ReadinessCheck {
  name: string;
  module: string;
}

/** A file built from the plan's data rather than from a template (a lock file). */
export interface DerivedFile {
  to: string;
  build(input: { name: string; requirements: string[]; devRequirements: string[] }): string;
}

/** Alert rules (Prometheus); `expr` says job="JOB" where the scrape job's name goes (compose and Kubernetes differ). */
export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  severity: 'critical' | 'warning' | 'info';
  summary: string;
  description: string;
}

export interface AlertRuleGroup {
  name: string;
  rules: AlertRule[];
}

export interface Contribution {
  appProcesses?: Record<string, AppProcess>;
  services?: { dev?: Record<string, ComposeService>; prod?: Record<string, ComposeService> };
  /** Named volumes the services above use. */
  volumes?: { dev?: string[]; prod?: string[] };
  env?: EnvVar[];
  /**
   * Files the component's production services read their secrets from (they name them in their `secrets:`).
   * The app's own secrets need none: a production app variable whose value holds a secret variable becomes
   * NAME_FILE and a file of its own (see plan/compose.ts).
   */
  secrets?: SecretFile[];
  /** Environment of the app containers (web, migrate, workers), values may interpolate `${VAR}`. */
  appEnv?: { dev?: Record<string, string>; prod?: Record<string, string> };
  /** Services the app waits for to be healthy before it starts. */
  appDependsOn?: string[];
  requirements?: string[];
  devRequirements?: string[];
  /** Debian packages needed to build wheels (builder stage) and at run time (runtime stage). */
  buildPackages?: string[];
  runtimePackages?: string[];
  /** The checks `/health/ready` runs for this component: a name, and the app module whose `ping()` it calls. */
  readiness?: ReadinessCheck[];
  serve?: ServeSpec;
  files?: FileSpec[];
  docs?: DocsFacet;
  settings?: SettingFacet[];
  ci?: CiFacet;
  backup?: BackupFacet;
  /** mypy: modules without type information, and untyped calls to allow. */
  typing?: { untypedModules?: string[]; untypedCalls?: string[]; overrides?: string };
  /** Text a shared template includes by name, rendered from this component's own templates. */
  partials?: Record<string, PartialSpec>;
  /** Files built from data (the lock of the dependencies). */
  derivedFiles?: DerivedFile[];
  /** Alert rules the metrics scraper evaluates (a rule file in compose, a PrometheusRule in Kubernetes). */
  alertRules?: AlertRuleGroup[];
  /** Several files built from the whole plan (path → content), e.g. Kubernetes manifests. */
  derivedTree?: (plan: StackPlan) => Record<string, string>;
  /**
   * The files that define the Python dependencies: the image build needs them (.dockerignore lets them in) and a
   * change to one rebuilds the development image (compose watch).
   */
  dependencyFiles?: string[];
}

export interface AddHelpers {
  /** Whether the answers already choose a component. */
  has(id: string): boolean;
  /** The answers with a component chosen in its slot. */
  choose(a: Answers, id: string): Answers;
  /** Whether a component can be chosen without replacing another (its slot is a set, or empty). */
  free(id: string): boolean;
  /** Every component of the registry (component modules cannot import the registry: it imports them). */
  components: readonly Component[];
}

export interface RuleContext {
  /** Whether the answers choose a component with this capability. */
  can(capability: Capability): boolean;
  /** The ids of the components that have a capability, in registry order. */
  providers(capability: Capability): string[];
  /** How a person chooses a component (`--cache redis`), its label, and what its slot holds now. */
  choice(id: string): { flag: string; key: string; label: string; multi: boolean; current: string } | undefined;
}

export interface PlanContext {
  answers: Answers;
  /**
   * Lines an existing project keeps although new projects get newer ones (`{ postgres: '17' }` after an upgrade
   * that did not migrate the data), by component id; recorded in .yo-rc.json.
   */
  hold: Readonly<Record<string, string>>;
  /** Whether a component is part of this project. */
  has(id: string): boolean;
  /** Another component of the registry, for the data it declares (e.g. the broker the worker uses). */
  lookup(id: string): Component | undefined;
  /** Whether a chosen component has a capability. */
  can(capability: Capability): boolean;
}

export interface Component {
  id: string;
  slot: Slot;
  /** Place among its slot's choices (prompts, --help, the matrix); the default choice comes first. */
  order: number;
  label: string;
  /** Core components render the shared top-level templates; every other component its own folder's. */
  sharedTemplates?: true;
  /** Components that must be chosen too; a missing one is refused, naming the flag that adds it. */
  requires?: Requirement[];
  /** Components this one brings in for these answers (a framework's ORM when there is a database). */
  implies?: (a: Answers) => string[];
  /** Rules between answers that belong to this component, checked when it is chosen: each problem with its fix. */
  check?: (a: Answers, rules: RuleContext) => string[];
  capabilities?: Capability[];
  /** The images it runs (for the end-of-life check). */
  images?: ImagePin[];
  celeryBroker?: CeleryBroker;
  /** `pydocker add <this>`: the answers after adding it, when it brings something along (the worker its broker). */
  whenAdded?: (next: Answers, options: { broker?: string }, helpers: AddHelpers) => Answers;
  contribute(ctx: PlanContext): Contribution;
}
