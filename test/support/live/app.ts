// Starting a generated app the way its production image does, inside a live sandbox:
//   command      the Dockerfile's final-stage CMD (cross-checked with plan.serve.command)
//   user         the Dockerfile's USER (uid/gid from its useradd/groupadd), via setpriv
//   environment  the Dockerfile's ENV, then compose.prod.yaml's `web` environment (see env.ts), then
//                WEB_CONCURRENCY=2, a fresh PROMETHEUS_MULTIPROC_DIR and APP_ENV=production
//   files        the project folder and its venv mounted read-only (compose runs `web` with read_only: true)
// The migrate step runs first as compose's `migrate` service does (its command, plan.serve.migrateCommand).
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackPlan } from '../../../src/plan/types.js';
import { type ImageCommand, dockerCommand, parseDockerfile } from './dockerfile.js';
import { tail, waitFor } from './proc.js';
import type { Sandbox, SandboxProcess } from './sandbox.js';
import type { Venv } from './venv.js';

export interface AppSpec {
  projectDir: string;
  plan: StackPlan;
  venv: Venv;
  image: ImageCommand;
  /** Port the app listens on inside the sandbox (the image's PORT). */
  port: number;
  /** Environment of `web` (complete: PATH, HOME, ...). */
  env: Record<string, string>;
  /** Command and environment of the one-shot `migrate` service, when there is one. */
  migrate?: { command: string[]; env: Record<string, string> };
  logDir: string;
}

export function readImage(projectDir: string): ImageCommand {
  return dockerCommand(parseDockerfile(readFileSync(join(projectDir, 'Dockerfile'), 'utf8')));
}

/** Problems with what the image runs, compared with the plan and the answers. */
export function imageProblems(image: ImageCommand, plan: StackPlan): string[] {
  const problems: string[] = [];
  if (JSON.stringify(image.cmd) !== JSON.stringify(plan.serve.command)) {
    problems.push(`Dockerfile CMD ${JSON.stringify(image.cmd)} differs from plan.serve.command ${JSON.stringify(plan.serve.command)}`);
  }
  if (image.env.PORT !== String(plan.answers.port)) problems.push(`Dockerfile ENV PORT=${image.env.PORT} but the answers say port ${plan.answers.port}`);
  if (!image.exposes.includes(String(plan.answers.port))) problems.push(`Dockerfile EXPOSE ${image.exposes.join(' ')} does not include ${plan.answers.port}`);
  return problems;
}

/** Environment of a process of the image: its ENV (PATH pointing at our venv), then `extra`. */
export function imageEnv(image: ImageCommand, venv: Venv, home: string, extra: Record<string, string>): Record<string, string> {
  const fromImage = Object.fromEntries(Object.entries(image.env).filter(([k]) => k !== 'PATH'));
  return { ...(venv.env() as Record<string, string>), ...fromImage, HOME: home, ...extra };
}

/**
 * argv run as the image's USER (setpriv), when the image names one and we are root: as the production
 * securityContext runs it (compose's cap_drop ALL and no-new-privileges, Kubernetes' restricted pod security):
 * no capabilities, not even in the bounding set, and no way to gain privileges.
 */
export function asImageUser(image: ImageCommand, argv: string[]): string[] {
  if (image.uid === undefined || image.uid === 0 || process.getuid?.() !== 0) return argv;
  return [
    'setpriv',
    `--reuid=${image.uid}`,
    `--regid=${image.gid ?? image.uid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--',
    ...argv,
  ];
}

/** How a running process is confined, from /proc: its UIDs, capability sets, no_new_privs, read-only mounts. */
export function confinementProblems(pid: number, uid: number, readOnly: string[]): string[] {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(status)?.[1]?.trim() ?? '';
  const out: string[] = [];
  if (
    field('Uid')
      .split(/\s+/)
      .some((u) => Number(u) !== uid)
  )
    out.push(`runs as UIDs ${field('Uid')}, not ${uid}`);
  for (const set of ['CapEff', 'CapPrm', 'CapBnd']) if (BigInt(`0x${field(set)}`) !== 0n) out.push(`${set} is ${field(set)}, not empty`);
  if (field('NoNewPrivs') !== '1') out.push('no_new_privs is not set');
  const mounts = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n');
  for (const dir of readOnly) {
    const m = mounts.find((l) => l.split(' ')[4] === dir);
    if (!m || !/(^|,)ro(,|$)/.test(m.split(' ')[5] ?? '')) out.push(`${dir} is not mounted read-only`);
  }
  return out;
}

/** A folder the image's user can write (as /tmp or a volume is in the container). */
export function writableDir(path: string, image: ImageCommand): string {
  mkdirSync(path, { recursive: true });
  if (image.uid !== undefined && process.getuid?.() === 0) chownSync(path, image.uid, image.gid ?? image.uid);
  return path;
}

export async function runMigrate(sandbox: Sandbox, spec: AppSpec) {
  if (!spec.migrate) throw new Error('no migrate service');
  return sandbox.run(asImageUser(spec.image, spec.migrate.command), { env: spec.migrate.env, cwd: spec.projectDir, timeoutMs: 180_000 });
}

export interface RunningApp {
  process: SandboxProcess;
  log: string;
  startMs: number;
}

/** Starts `web` and waits until GET /health answers 200. */
export async function startApp(sandbox: Sandbox, spec: AppSpec): Promise<RunningApp> {
  const started = Date.now();
  const log = join(spec.logDir, 'app.log');
  const p = await sandbox.exec(asImageUser(spec.image, spec.image.cmd), { env: spec.env, cwd: spec.projectDir, log });
  try {
    await waitFor(
      'GET /health to answer 200',
      60_000,
      async () => {
        if (!p.running()) throw new Error(`the app exited ${await p.exited}:\n${tail(log, 40)}`);
        const r = await sandbox.request(spec.port, { path: '/health', timeoutMs: 3000 }).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      250,
    );
  } catch (err) {
    await sandbox.stopProcess(p, 'SIGTERM', 5000);
    throw new Error(`${(err as Error).message}\n--- app log\n${tail(log, 40)}`);
  }
  return { process: p, log, startMs: Date.now() - started };
}
