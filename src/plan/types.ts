import type { Answers } from '../answers/options.js';
import type { ComposeService, EnvVar, FileSpec, ServeSpec } from '../components/types.js';
import type { PresetValues } from '../preset/load.js';

export interface ComposeModel {
  name: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, Record<string, unknown>>;
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
  /** Ids of every component in the project, in registry order. */
  components: string[];
  compose: { dev: ComposeModel; prod: ComposeModel };
  env: EnvVar[];
  requirements: string[];
  devRequirements: string[];
  buildPackages: string[];
  runtimePackages: string[];
  readiness: string[];
  serve: ServeSpec;
  files: FileSpec[];
}
