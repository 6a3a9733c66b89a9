// Independent validators of a generated project. Each takes the project in memory and returns problems;
// none of them uses the generator's own models, only the files it wrote.
import { CHECKS, CHECK_IDS, type CheckId } from './checks.js';
import { validateCompose } from './compose.js';
import { validateDockerfile } from './dockerfile.js';
import { validateKubernetes } from './kubernetes.js';
import { BatchChecks } from './external.js';
import type { Problem, Project } from './project.js';
import { validateSyntax } from './syntax.js';
import { validateWiring } from './wiring.js';

export { CHECKS, CHECK_IDS, type CheckId, BatchChecks };
export type { Problem, Project };

/** Every check that runs in this process (everything but python3 and bash -n). */
export function verifyInProcess(p: Project): Problem[] {
  return [...validateSyntax(p), ...validateCompose(p), ...validateDockerfile(p), ...validateWiring(p), ...validateKubernetes(p)];
}

/** Every check, for one project. */
export function verifyProject(p: Project): Problem[] {
  const batch = new BatchChecks();
  batch.add('project', p);
  return [...verifyInProcess(p), ...(batch.run().get('project') ?? [])];
}

export function formatProblem(pr: Problem): string {
  return `[${pr.check}] ${pr.file}: ${pr.message}`;
}
