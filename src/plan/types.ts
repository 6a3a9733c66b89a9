import type { Answers } from '../answers/options.js';
import type { ComposeService, EnvVar, FileSpec, ServeSpec } from '../components/types.js';

export interface ComposeModel {
  name: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, Record<string, unknown>>;
}

export interface StackPlan {
  answers: Answers;
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
