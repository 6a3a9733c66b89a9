// What a component is: one user-facing choice (or an always-on part of every project) that declares, as data,
// everything it adds to the generated project. The planner merges these; nothing else knows about a choice.
import type { Answers } from '../answers/options.js';

export type Slot = 'core' | 'framework' | 'database' | 'cache' | 'proxy' | 'observability' | 'extra';

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

export interface FileSpec {
  /**
   * Template path in the component's own `templates/` folder (the shared top-level `templates/` for the core
   * components). Files ending in `.ejs` are rendered; others are copied as they are.
   */
  from: string;
  /** Path in the generated project. */
  to: string;
  executable?: boolean;
}

/** How the framework is served; used by the Dockerfile, compose and the Makefile. */
export interface ServeSpec {
  /** Exec-form command of the production image (after the init). */
  command: string[];
  /** Command of the development container: auto-reload. */
  devCommand: string[];
  /** One-shot migration command; absent when the project has nothing to migrate. */
  migrateCommand?: string[];
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

export interface Contribution {
  appProcesses?: Record<string, AppProcess>;
  services?: { dev?: Record<string, ComposeService>; prod?: Record<string, ComposeService> };
  /** Named volumes the services above use. */
  volumes?: { dev?: string[]; prod?: string[] };
  env?: EnvVar[];
  /** Environment of the app containers (web, migrate, workers), values may interpolate `${VAR}`. */
  appEnv?: { dev?: Record<string, string>; prod?: Record<string, string> };
  /** Services the app waits for to be healthy before it starts. */
  appDependsOn?: string[];
  requirements?: string[];
  devRequirements?: string[];
  /** Debian packages needed to build wheels (builder stage) and at run time (runtime stage). */
  buildPackages?: string[];
  runtimePackages?: string[];
  /** Names of the checks `/health/ready` runs for this component. */
  readiness?: string[];
  serve?: ServeSpec;
  files?: FileSpec[];
}

export interface PlanContext {
  answers: Answers;
  /** Whether a component is part of this project. */
  has(id: string): boolean;
}

export interface Component {
  id: string;
  slot: Slot;
  label: string;
  /** Core components render the shared top-level templates; every other component its own folder's. */
  sharedTemplates?: true;
  /** Components that must be present too (checked before planning). */
  requires?: string[];
  contribute(ctx: PlanContext): Contribution;
}
