import type { Answers } from '../answers/options.js';
import type {
  AlertRuleGroup,
  BackupFacet,
  Capability,
  ComposeService,
  DerivedFile,
  DocsFacet,
  EnvVar,
  SecretFile,
  ServeSpec,
  SettingFacet,
} from '../components/types.js';
import type { PresetValues } from '../preset/load.js';

export interface ComposeModel {
  name: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, Record<string, unknown>>;
  networks?: Record<string, Record<string, unknown>>;
  /** Production: the files under ./secrets that scripts/deploy.sh writes and services mount. */
  secrets?: Record<string, { file: string }>;
}

/** A file to render: its template, by key and by path, and where it goes in the project. */
export interface PlannedFile {
  /**
   * Names the template in messages and in a preset's overlay: `<component>/<path>` for a component's own
   * templates (e.g. `nginx/prod.conf.ejs`), the path below `templates/` for shared ones.
   */
  template: string;
  /** Absolute path of the built-in template. */
  source: string;
  to: string;
  executable?: boolean;
  locals?: Record<string, unknown>;
}

/** The team preset a project was made with, as templates see it. */
export interface PlanPreset {
  name: string;
  version: string;
  values: PresetValues;
}

export interface StackPlan {
  answers: Answers;
  preset?: PlanPreset;
  /** Older lines this project keeps (see PlanContext.hold). */
  hold?: Record<string, string>;
  /** Ids of every component in the project, in registry order. */
  components: string[];
  compose: { dev: ComposeModel; prod: ComposeModel };
  env: EnvVar[];
  /**
   * What production containers read as files, in the order scripts/deploy.sh writes them: the components' own
   * (each checks its variable is set), then the app's.
   */
  secrets: SecretFile[];
  requirements: string[];
  devRequirements: string[];
  buildPackages: string[];
  runtimePackages: string[];
  /** Names of the readiness checks, in order. */
  readiness: string[];
  /** Each readiness check with the app module it pings. */
  readinessChecks: { name: string; module: string }[];
  serve: ServeSpec;
  files: PlannedFile[];
  /** Files built from data (lock files), by the packaging component. */
  derivedFiles: DerivedFile[];
  /** Builders of several files from the whole plan (Kubernetes manifests). */
  derivedTrees: ((plan: StackPlan) => Record<string, string>)[];
  /** Every component's alert rules (the metrics scraper's rule file, a PrometheusRule in Kubernetes). */
  alertRules: AlertRuleGroup[];
  /** The files that define the Python dependencies (the image build reads them; a change rebuilds). */
  dependencyFiles: string[];
  /** Capabilities of the chosen components: what shared templates test instead of component ids. */
  capabilities: Capability[];
  /** What each component says for the README, in registry order. */
  docs: DocsFacet[];
  /** Display names of the chosen framework, database, cache and proxy. */
  names: { framework?: string; database?: string; cache?: string; proxy?: string };
  settings: SettingFacet[];
  /** The CI test job's service containers and environment, with the display name of each component. */
  ci: { name: string; service: boolean; env: Record<string, string> }[];
  /** The database's backup and restore; `tag` (its component id) names backup files. Absent without a database. */
  backup?: BackupFacet & { tag: string };
  typing: { untypedModules: string[]; untypedCalls: string[]; overrides: string[] };
  /** Named text blocks shared templates include, from the components' own templates. */
  partials: { name: string; template: string; source: string; locals?: Record<string, unknown> }[];
}
