// Tier 3, one stack: the generated project's Dockerfile built by a real Docker engine (daemon.ts) and its
// images run by the real Docker Compose from the generated compose files, against the real servers of this
// machine. The only changes to what the project says are written down here and in forEngine20:
//   - an override file (compose's own merge) puts web/migrate on the engine's network namespace
//     (`network_mode: host` there; compose networks need a bridge this engine has not got) and drops their
//     depends_on (the database and cache are this machine's servers, not containers);
//   - their environment is the project's, with credentials and database names of the scratch servers (the
//     live tier's kits: src/components/<id>/verify.ts).
// Everything else — image, user, read-only root, tmpfs, cap_drop, no-new-privileges, limits, healthcheck,
// stop grace, volumes, log options — is the generated compose service as Compose applies it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from '../../../src/answers/options.js';
import { plan as planFor } from '../../../src/plan/plan.js';
import type { StackPlan } from '../../../src/plan/types.js';
import type { LiveServer } from '../../../src/components/verify-kit.js';
import { answersFor, renderProject, writeProject } from '../generate.js';
import { composeEnvironment, fileBackedVariables, prodEnvFile } from '../live/env.js';
import { waitFor } from '../live/proc.js';
import type { Dependency } from '../live/sandbox.js';
import { readCompose, readEnvFile } from '../tools/common.js';
import { kitOf } from '../../verify/kits.js';
import { Engine } from './daemon.js';
import { confinementProblems, environmentSecretProblems, UID } from './confinement.js';
import { composeRunner, writeEnvFile, writeOverride, writeSecretsAsDeploy } from './compose.js';
import { ensureBaseImages, forEngine20, STANDIN_PYTHON } from './images.js';
import { kubernetesRun } from './kubernetes.js';

export interface EngineRow {
  id: string;
  answers: Partial<Answers>;
  /** Build and run every target (runtime, debug, dev) and wait for the healthcheck; else runtime only. */
  full: boolean;
  /** Changes the generated project before the build (a test shows a check failing on a broken project). */
  mutate?: (projectDir: string) => void;
}

export interface Check {
  name: string;
  ok: boolean;
  ms: number;
  message: string;
}

export interface BuiltImage {
  target: string;
  tag: string;
  buildMs: number;
  bytes: number;
  layers: number;
}

/** The runtime image's start and memory, as compose runs it (benchmark figures, not pass/fail). */
export interface Footprint {
  /** From `compose up` to the first 200 of /health and of /health/ready (polled every 50 ms). */
  upToHealthMs: number;
  upToReadyMs: number;
  /**
   * Each gunicorn worker's resident memory (MiB): at rest (started; /health/ready and /metrics answered once),
   * after the load, and its peak.
   */
  restMiB: number[];
  loadedMiB: number[];
  peakMiB: number[];
  loadRequests: number;
}

export interface EngineResult {
  id: string;
  checks: Check[];
  images: BuiltImage[];
  footprint?: Footprint;
  /** What forEngine20 changed in the Dockerfile. */
  rewrites: string[];
}

interface HostSettings {
  ReadonlyRootfs: boolean;
  CapDrop: string[] | null;
  SecurityOpt: string[] | null;
  PidsLimit: number | null;
  Memory: number;
}

/** What compose.prod.yaml asks of every process of the app's image, as the engine applied it. */
function hardeningProblems(hc: HostSettings): string[] {
  const out: string[] = [];
  if (!hc.ReadonlyRootfs) out.push('root filesystem writable');
  if (!hc.CapDrop?.includes('ALL')) out.push(`CapDrop ${JSON.stringify(hc.CapDrop)}`);
  if (!hc.SecurityOpt?.some((o) => o.startsWith('no-new-privileges'))) out.push('no no-new-privileges');
  if (!hc.PidsLimit || hc.PidsLimit <= 0) out.push('no PIDs limit');
  if (!hc.Memory) out.push('no memory limit');
  return out;
}

class Recorder {
  readonly checks: Check[] = [];
  async run(name: string, body: () => Promise<string>): Promise<boolean> {
    const started = Date.now();
    try {
      const message = await body();
      this.checks.push({ name, ok: true, ms: Date.now() - started, message });
      return true;
    } catch (err) {
      this.checks.push({ name, ok: false, ms: Date.now() - started, message: (err as Error).message });
      return false;
    }
  }
}

// Run inside the container (its own Python): every gunicorn worker, i.e. a process forked by the gunicorn
// master, so with the same command line as its parent (tini's own command line names gunicorn too).
const WORKER_MEMORY = `
import json, os
procs = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read()
    except OSError:
        continue
    kib = lambda name: int(fields.get(name, "0 kB").split()[0])
    procs[int(pid)] = (int(fields["PPid"]), cmdline, kib("VmRSS"), kib("VmHWM"))
workers = [
    (rss, hwm)
    for ppid, cmdline, rss, hwm in procs.values()
    if b"gunicorn" in cmdline and ppid in procs and procs[ppid][1] == cmdline
]
print(json.dumps(sorted(workers)))
`;

async function workerMemory(e: Engine, container: string): Promise<Array<{ rss: number; peak: number }>> {
  const r = await e.docker(['exec', container, 'python', '-c', WORKER_MEMORY]);
  if (r.code !== 0) throw new Error(`reading the workers' memory failed: ${r.output}`);
  const workers = JSON.parse(r.output.trim().split('\n').pop() ?? '[]') as Array<[number, number]>;
  if (workers.length === 0) throw new Error('no gunicorn worker found in the container');
  return workers.map(([rss, peak]) => ({ rss: rss / 1024, peak: peak / 1024 }));
}

function tail(text: string, n = 25): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

export async function runEngineStack(row: EngineRow, rootDir: string): Promise<EngineResult> {
  const rec = new Recorder();
  const result: EngineResult = { id: row.id, checks: rec.checks, images: [], rewrites: [] };
  const projectName = `t3-${row.id}`.replace(/[^a-z0-9-]/g, '-').slice(0, 40);
  const projectDir = join(rootDir, projectName);
  const logDir = join(rootDir, `${projectName}-logs`);
  mkdirSync(logDir, { recursive: true });
  const answers = answersFor(projectName, { ...row.answers, python: STANDIN_PYTHON });
  const plan: StackPlan = planFor(answers);
  writeProject(projectDir, renderProject(answers));
  row.mutate?.(projectDir);

  const cleanups: Array<() => Promise<void>> = [];
  try {
    // ---- the real servers, as the live tier makes them
    const servers: Array<{ service: 'db' | 'cache'; kit: NonNullable<ReturnType<typeof kitOf>['liveDatabase']>; server: LiveServer }> = [];
    const ready = await rec.run('servers', async () => {
      const made: string[] = [];
      for (const [service, id, kind] of [
        ['db', answers.database, 'liveDatabase'],
        ['cache', answers.cache, 'liveCache'],
      ] as const) {
        if (id === 'none') continue;
        const kit = kitOf(id)[kind];
        if (!kit) throw new Error(`${id} has no live kit`);
        const server = await kit.provide({ logDir, index: 5, label: `t3_${row.id}` });
        cleanups.push(() => server.stop());
        servers.push({ service, kit, server });
        made.push(server.note);
      }
      return made.join('; ') || 'none needed';
    });
    if (!ready) return result;

    // ---- the environment compose gives web and migrate, pointed at the scratch servers
    const overrides: Record<string, string> = {};
    for (const s of servers) Object.assign(overrides, s.server.overrides);
    const prodValues = prodEnvFile(projectDir, plan, overrides);
    const pointed = (env: Record<string, string>) => {
      for (const s of servers) if (s.server.target) s.server.forApp(env, { dataDir: '/data' });
      return env;
    };
    const prod = readCompose(projectDir, 'prod');
    const envOf = (service: string, mode: 'prod' | 'dev', values: Record<string, string>) => pointed(composeEnvironment(projectDir, service, values, mode));
    const deps: Dependency[] = [];
    const webEnv = envOf('web', 'prod', prodValues);
    for (const s of servers) {
      if (!s.server.target) continue;
      const { host, port } = s.kit.locate(webEnv);
      if (!host) throw new Error(`${s.service}: the app's environment names no host`);
      deps.push({ service: host, port, target: s.server.target });
    }

    let engine: Engine | undefined;
    const port = Number(answers.port);
    const started = await rec.run('engine', async () => {
      engine = await Engine.start({ logDir, dependencies: deps, inboundPorts: [port] });
      cleanups.push(() => engine!.close());
      const made = await ensureBaseImages(engine);
      const version = (await engine.docker(['version', '--format', '{{.Server.Version}}'])).output.trim();
      return `dockerd ${version} in its own namespaces; ${deps.map((d) => `${d.service}:${d.port} → ${d.target.host}:${d.target.port}`).join(', ') || 'no servers'}${made.length ? `; imported ${made.join(', ')}` : ''}`;
    });
    if (!started || !engine) return result;
    const e = engine;

    // ---- build
    const { text, changes } = forEngine20(readFileSync(join(projectDir, 'Dockerfile'), 'utf8'));
    result.rewrites = changes;
    const dockerfile = join(logDir, 'Dockerfile.engine20');
    writeFileSync(dockerfile, text);
    const targets = row.full ? ['runtime', 'debug', 'dev'] : ['runtime'];
    for (const target of targets) {
      const tag = `${projectName}:${target}`;
      await rec.run(`build ${target}`, async () => {
        const r = await e.docker(
          ['build', '--network', 'host', ...e.proxyBuildArgs, '--progress', 'plain', '-f', dockerfile, '--target', target, '-t', tag, '.'],
          {
            cwd: projectDir,
            timeoutMs: 1_200_000,
          },
        );
        writeFileSync(join(logDir, `build-${target}.log`), r.output);
        if (r.code !== 0) throw new Error(`docker build --target ${target} exited ${r.code}:\n${tail(r.output)}`);
        const inspect = await e.docker(['image', 'inspect', '--format', '{{.Size}} {{len .RootFS.Layers}} {{json .Config.User}}', tag]);
        const [size, layers, user] = inspect.output.trim().split(' ');
        result.images.push({ target, tag, buildMs: r.ms, bytes: Number(size), layers: Number(layers) });
        if (JSON.parse(user ?? '""') !== UID) throw new Error(`image user is ${user}, not "${UID}"`);
        return `${(r.ms / 1000).toFixed(1)} s, ${(Number(size) / 1e6).toFixed(0)} MB, ${layers} layers, USER ${user}`;
      });
    }
    if (!rec.checks.find((c) => c.name === 'build runtime')?.ok) return result;

    // ---- run with the real Compose
    const override = join(logDir, 'compose.engine.yaml');
    const envFile = join(logDir, 'engine.env');
    // Interpolation of the whole file: the services not run (db, cache) need their secrets set, to anything.
    const interpolation = { ...prodEnvFile(projectDir, plan, {}), IMAGE: projectName };
    writeEnvFile(envFile, interpolation);
    // secrets/ as deploy writes it: the project's own write_secrets, reading the env file through the real Compose.
    const secretsWritten = await rec.run('secrets', async () =>
      plan.secrets.length > 0 ? writeSecretsAsDeploy(projectDir, logDir, envFile) : 'none: the stack has no secret',
    );
    if (!secretsWritten) return result;
    // The app's files then hold what its environment holds, pointed at the scratch servers; the containers get
    // NAME_FILE, as compose.prod.yaml says.
    const asFiles = (service: string, env: Record<string, string>): Record<string, string> => {
      const out = { ...env };
      for (const [name, file] of fileBackedVariables(projectDir, service)) {
        const path = join(projectDir, 'secrets', file);
        rmSync(path, { force: true });
        writeFileSync(path, `${out[name] ?? ''}\n`, { mode: 0o444 });
        delete out[name];
        out[`${name}_FILE`] = `/run/secrets/${file}`;
      }
      return out;
    };
    const hostNetworked = (env: Record<string, string>) => ({ network_mode: 'host', networks: '!reset []', depends_on: '!reset {}', environment: env });
    const prodServices: Record<string, Record<string, unknown>> = { web: hostNetworked(asFiles('web', webEnv)) };
    if (prod.services.migrate) prodServices.migrate = hostNetworked(asFiles('migrate', envOf('migrate', 'prod', prodValues)));
    writeOverride(override, prodServices);
    // Every secret value these containers could have been given: none may be in a container's environment.
    const secretValues = [
      ...plan.env.filter((v) => typeof v.dev === 'object').map((v) => prodValues[v.name] ?? ''),
      ...[...fileBackedVariables(projectDir, 'web').keys()].map((k) => webEnv[k] ?? ''),
    ].filter((v) => v.length >= 8);
    const run = composeRunner({ engine: e, cwd: projectDir, project: projectName, override, envFile });
    // TAG picks the image target; compose takes the process environment over the env file.
    const compose = (args: string[], tag: string, file = 'compose.prod.yaml', timeoutMs = 180_000) => run(args, { file, env: { TAG: tag }, timeoutMs });
    const get = (path: string) => e.sandbox.request(port, { path, timeoutMs: 10_000 });
    const until200 = (path: string, ms: number, intervalMs = 300) =>
      waitFor(`${path} 200`, ms, async () => ((await get(path).catch(() => undefined))?.status === 200 ? true : undefined), intervalMs);
    const webContainer = async () =>
      (
        await e.docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${projectName}`, '--filter', 'label=com.docker.compose.service=web'])
      ).output.trim();

    if (prod.services.migrate) {
      await rec.run('migrate', async () => {
        const name = `${projectName}-migrate-check`;
        const r = await compose(['run', '--name', name, '--no-deps', 'migrate'], 'runtime');
        try {
          if (r.code !== 0) throw new Error(`compose run migrate exited ${r.code}:\n${tail(r.output)}`);
          // The one-shot job runs confined like web (the container is kept until its settings are read).
          const hc = JSON.parse((await e.docker(['inspect', '--format', '{{json .HostConfig}}', name])).output) as HostSettings;
          const problems = hardeningProblems(hc);
          const env = JSON.parse((await e.docker(['inspect', '--format', '{{json .Config.Env}}', name])).output) as string[];
          problems.push(...environmentSecretProblems(env, secretValues));
          if (problems.length) throw new Error(`migrate: ${problems.join('; ')}`);
        } finally {
          await e.docker(['rm', '-f', name]);
        }
        return `compose run migrate: ${JSON.stringify(prod.services.migrate!.command)} (${(r.ms / 1000).toFixed(1)} s), read-only, no capabilities, no-new-privileges, PIDs limit, no secret in Config.Env`;
      });
    }
    const timing = { upToHealthMs: 0, upToReadyMs: 0 };
    const up = await rec.run('start', async () => {
      const t0 = Date.now();
      const r = await compose(['up', '-d', '--no-deps', '--no-build', '--pull', 'never', 'web'], 'runtime');
      if (r.code !== 0) throw new Error(`compose up web exited ${r.code}:\n${tail(r.output)}`);
      await until200('/health', 90_000, 50);
      timing.upToHealthMs = Date.now() - t0;
      await until200('/health/ready', 90_000, 50);
      timing.upToReadyMs = Date.now() - t0;
      return `compose up to /health 200 in ${(timing.upToHealthMs / 1000).toFixed(2)} s, to /health/ready 200 in ${(timing.upToReadyMs / 1000).toFixed(2)} s`;
    });
    const logs = async () => (await compose(['logs', '--no-color', 'web'], 'runtime')).output;
    if (!up) {
      writeFileSync(join(logDir, 'web.log'), await logs());
      return result;
    }
    const container = await webContainer();

    await rec.run('ready', async () => {
      const r = await get('/health/ready');
      if (r.status !== 200) throw new Error(`/health/ready ${r.status}: ${r.body}`);
      const checks = Object.keys((JSON.parse(r.body) as { checks?: Record<string, unknown> }).checks ?? {});
      const missing = plan.readiness.filter((c) => !checks.includes(c));
      if (missing.length) throw new Error(`/health/ready does not check ${missing.join(', ')}: ${r.body}`);
      return `200, checks ${checks.join(', ') || 'none'}`;
    });
    await rec.run('metrics', async () => {
      const r = await get('/metrics');
      if (r.status !== 200) throw new Error(`/metrics ${r.status}`);
      const series = r.body.split('\n').filter((l) => l && !l.startsWith('#'));
      if (!series.some((l) => l.startsWith('http_request'))) throw new Error(`/metrics has no http_request series:\n${r.body.slice(0, 500)}`);
      return `200, ${series.length} series`;
    });
    await rec.run('footprint', async () => {
      const rest = await workerMemory(e, container);
      const loadRequests = 2000;
      for (let sent = 0; sent < loadRequests; sent += 20) {
        const answers = await Promise.all(Array.from({ length: 20 }, () => get('/health')));
        const bad = answers.find((a) => a.status !== 200);
        if (bad) throw new Error(`/health ${bad.status} under load: ${bad.body}`);
      }
      const loaded = await workerMemory(e, container);
      result.footprint = {
        ...timing,
        restMiB: rest.map((w) => w.rss),
        loadedMiB: loaded.map((w) => w.rss),
        peakMiB: loaded.map((w) => w.peak),
        loadRequests,
      };
      const mib = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' / ');
      return `per worker, MiB: ${mib(result.footprint.restMiB)} at rest, ${mib(result.footprint.loadedMiB)} after ${loadRequests} requests (peak ${mib(result.footprint.peakMiB)})`;
    });
    await rec.run('confined', async () => {
      const hc = JSON.parse((await e.docker(['inspect', '--format', '{{json .HostConfig}}', container])).output) as HostSettings;
      const problems = await confinementProblems(e, container);
      problems.problems.push(...hardeningProblems(hc));
      const env = JSON.parse((await e.docker(['inspect', '--format', '{{json .Config.Env}}', container])).output) as string[];
      problems.problems.push(...environmentSecretProblems(env, secretValues));
      if (problems.problems.length) throw new Error(problems.problems.join('; '));
      return `${problems.processes} processes: UID 10001, no capabilities (effective, permitted, bounding), no_new_privs; root read-only (EROFS); no secret among ${env.length} variables of Config.Env (${secretValues.length} values looked for)`;
    });
    const cache = servers.find((s) => s.service === 'cache' && s.server.target);
    if (cache) {
      await rec.run('dependency down', async () => {
        const fw = e.sandbox.forwarders.get(deps.find((d) => d.target === cache.server.target)!.service)!;
        await fw.pause('refuse');
        try {
          const r = await waitFor('/health/ready 503', 30_000, async () => {
            const x = await get('/health/ready').catch(() => undefined);
            return x && x.status === 503 ? x : undefined;
          });
          const named = Object.entries((JSON.parse(r.body) as { checks: Record<string, { status: string }> }).checks).filter(([, v]) => v.status !== 'ok');
          if (!named.some(([k]) => k === answers.cache)) throw new Error(`503 without naming ${answers.cache}: ${r.body}`);
          if ((await get('/health')).status !== 200) throw new Error('/health (liveness) failed with the cache down');
        } finally {
          await fw.resume();
        }
        await until200('/health/ready', 30_000);
        return `${answers.cache} refused: /health/ready 503 naming it, /health 200; back to 200 when it answers`;
      });
    }
    if (row.full) {
      await rec.run('healthy', async () => {
        const status = await waitFor(
          'the healthcheck to pass',
          90_000,
          async () => {
            const s = (await e.docker(['inspect', '--format', '{{.State.Health.Status}}', container])).output.trim();
            if (s === 'unhealthy') throw new Error('unhealthy');
            return s === 'healthy' ? s : undefined;
          },
          1000,
        );
        return `Docker's healthcheck (compose's test, interval and start period): ${status}`;
      });
    }
    await rec.run('stop', async () => {
      const grace = String(prod.services.web!.stop_grace_period ?? '10s');
      const r = await compose(['stop', 'web'], 'runtime');
      if (r.code !== 0) throw new Error(`compose stop exited ${r.code}: ${r.output}`);
      const state = (await e.docker(['inspect', '--format', '{{.State.ExitCode}} {{.State.OOMKilled}}', container])).output.trim();
      if (state !== '0 false') throw new Error(`exit code and OOM: ${state} (want 0 false); ${tail(await logs(), 10)}`);
      return `SIGTERM through tini: exit 0 in ${(r.ms / 1000).toFixed(1)} s (grace ${grace})`;
    });
    writeFileSync(join(logDir, 'web.log'), await logs());
    await compose(['down', '--volumes'], 'runtime');

    if (answers.extras.includes('kubernetes')) {
      await rec.run('kubernetes securityContext', () => kubernetesRun(e, projectDir, `${projectName}:runtime`, webEnv, get));
    }

    if (row.full) {
      await rec.run('debug image', async () => {
        const r = await compose(['up', '-d', '--no-deps', '--no-build', '--pull', 'never', 'web'], 'debug');
        if (r.code !== 0) throw new Error(`compose up (debug) exited ${r.code}:\n${tail(r.output)}`);
        try {
          await until200('/health', 90_000);
          const id = await webContainer();
          const tools = await e.docker(['exec', id, 'sh', '-c', 'curl -fsS http://127.0.0.1:$PORT/health/ready && jq --version && ps -o user= -p 1']);
          if (tools.code !== 0) throw new Error(`the debug tools failed: ${tools.output}`);
          return `serves /health under the same options; curl reaches /health/ready; ${tools.output.trim().split('\n').slice(1).join(', ')}`;
        } finally {
          await compose(['down', '--volumes'], 'debug');
        }
      });
      await rec.run('dev image: pytest', async () => {
        // The project's own tests, in its dev container with compose.yaml's environment (the README's way).
        const devValues = { ...readEnvFile(join(projectDir, '.env')), ...overrides };
        const devEnv = envOf('web', 'dev', devValues);
        writeOverride(override, { web: { ...hostNetworked(devEnv), image: `${projectName}:dev`, ports: '!reset []', develop: '!reset {}' } });
        const migrate = plan.serve.migrateCommand ? `${plan.serve.migrateCommand.join(' ')} && ` : '';
        const r = await compose(
          ['run', '--rm', '--no-deps', '--pull', 'never', 'web', 'sh', '-c', `${migrate}python -m pytest -q -p no:cacheprovider`],
          'dev',
          'compose.yaml',
          300_000,
        );
        writeFileSync(join(logDir, 'dev-pytest.log'), r.output);
        if (r.code !== 0) throw new Error(`pytest in the dev container exited ${r.code}:\n${tail(r.output, 40)}`);
        return /\d+ passed[^\n]*/.exec(r.output)?.[0] ?? 'passed';
      });
    }
    return result;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  }
}
