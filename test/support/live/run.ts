// One combination, end to end (project in .tmp/e2e/run-<pid>/projects/<id>, logs in …/logs/<id>): generate, venv, the project's own CI test job (migrate + pytest) and ruff
// against real servers, then inside a live sandbox: migrate, start as the image does, /health, /health/ready,
// each dependency broken and recovered, /metrics through promtool, JSON logs, the proxy in front, and (for the
// stacks marked `all`) Prometheus scraping, a readiness timeout, and SIGTERM with a slow request in flight.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { upgradeProject } from '../../../src/usecase/upgrade-project.js';
import { oldGenerator } from '../old-generator.js';
import type { Answers } from '../../../src/answers/options.js';
import { CHOICE_SLOTS, type ChoiceSlot } from '../../../src/components/choices.js';
import { componentById } from '../../../src/components/registry.js';
import { plan as planFor } from '../../../src/plan/plan.js';
import type { StackPlan } from '../../../src/plan/types.js';
import { answersFor, fakeSecret, renderProject, writeProject } from '../generate.js';
import { addKind } from '../../../src/edit/add-kind.js';
import { updateProject } from '../../../src/edit/update.js';
import { render } from '../../../src/render/render.js';
import { readCompose } from '../tools/common.js';
import { type AppSpec, type RunningApp, confinementProblems, imageEnv, imageProblems, readImage, runMigrate, startApp, writableDir } from './app.js';
import type { ImageCommand } from './dockerfile.js';
import { ciTestEnv, composeCommand, composeEnvironment, parseUrl, prodEnvFile } from './env.js';
import type { PauseMode } from './forwarder.js';
import { RUN_DIR, ensureDir } from './paths.js';
import { promtoolCheckMetrics, prometheusScrapes } from './prometheus.js';
import { proxyChecks, proxyModes, startProxy } from './proxy.js';
import { runCommand, sleep, tail, waitExit, waitFor } from './proc.js';
import { type Dependency, Sandbox } from './sandbox.js';
import { kitOf } from '../../verify/kits.js';
import type { LiveServer } from '../../../src/components/verify-kit.js';
import { type Venv, quietPip, runPytest, runRuff } from './venv.js';

export interface Combination {
  id: string;
  answers: Pick<Answers, 'framework' | 'database' | 'cache' | 'proxy' | 'packaging' | 'observability'>;
  /** Why it is in the set: default, pairwise, full. */
  roles: string[];
  /** Every check (the default stack): Prometheus, nginx in production mode, readiness timeout, graceful stop. */
  all: boolean;
  /**
   * How the project is made, when not by `new` alone: `add` generates it without these kinds and adds them
   * (as `pydocker add` does); `preset` generates it with a team preset (values and a template overlay).
   */
  madeBy?: { add: string[] } | { preset: true } | { upgrade: string };
}

export interface CheckOutcome {
  /** true: passed; false: failed; null: not run (the message says why). */
  ok: boolean | null;
  ms: number;
  message: string;
}

export interface CombinationResult {
  id: string;
  answers: Combination['answers'];
  roles: string[];
  checks: Record<string, CheckOutcome>;
  ms: number;
  logDir: string;
  projectDir: string;
}

export interface Prepared {
  combination: Combination;
  name: string;
  projectDir: string;
  logDir: string;
  plan?: StackPlan;
  error?: string;
}

/** Generates the project (before any venv is built) so its requirements are known. */
export async function prepare(c: Combination): Promise<Prepared> {
  const name = `e2e-${c.id}`;
  const projectDir = join(RUN_DIR, 'projects', c.id);
  const logDir = join(RUN_DIR, 'logs', c.id);
  rmSync(logDir, { recursive: true, force: true });
  ensureDir(logDir);
  try {
    const answers = answersFor(name, c.answers);
    let made: StackPlan;
    if (c.madeBy) made = await makeProject(c.madeBy, answers, projectDir);
    else {
      writeProject(projectDir, renderProject(answers));
      made = planFor(answers);
    }
    return { combination: c, name, projectDir, logDir, plan: made };
  } catch (err) {
    return { combination: c, name, projectDir, logDir, error: (err as Error).stack ?? String(err) };
  }
}

/** A project made by `add` (generated without the kinds, then each added) or with a team preset. */
async function makeProject(madeBy: NonNullable<Combination['madeBy']>, answers: Answers, projectDir: string): Promise<StackPlan> {
  if ('upgrade' in madeBy) return upgradedProject(madeBy.upgrade, answers, projectDir);
  if ('preset' in madeBy) {
    const overlay = join(projectDir, '..', `${basename(projectDir)}-preset-templates`);
    rmSync(overlay, { recursive: true, force: true });
    ensureDir(overlay);
    writeFileSync(join(overlay, 'CODEOWNERS.ejs'), '* <%= preset.values.maintainers.join(" ") %>\n');
    const preset = {
      name: 'acme',
      version: '1.0.0',
      values: {
        organisation: 'Acme',
        maintainers: ['@acme/platform'],
        labels: { 'com.acme.team': 'platform' },
        env: [{ name: 'ACME_REGION', description: 'Region the service runs in', value: 'eu-west-1' }],
      },
    };
    writeProject(projectDir, render(planFor(answers, preset), { secret: fakeSecret, overlay }));
    return planFor(answers, preset);
  }
  let current = answers;
  for (const kind of madeBy.add) current = { ...current, ...withoutKind(current, kind) };
  writeProject(projectDir, renderProject(current));
  for (const kind of madeBy.add) {
    const addition = addKind(current, kind);
    if (addition.status !== 'added') throw new Error(`add ${kind}: ${addition.message}`);
    const read = (p: string) => (existsSync(join(projectDir, p)) ? readFileSync(join(projectDir, p), 'utf8') : undefined);
    const update = updateProject(planFor(current), planFor(addition.answers), read);
    if (update.manual.length) throw new Error(`add ${kind} left manual steps: ${update.manual.map((m) => m.file).join(', ')}`);
    for (const f of update.writes) {
      ensureDir(dirname(join(projectDir, f.path)));
      writeFileSync(join(projectDir, f.path), f.content);
    }
    current = addition.answers;
  }
  return planFor(current);
}

/** A project made by a released version (its own `pydocker new`), then moved here by `pydocker upgrade`. */
async function upgradedProject(version: string, answers: Answers, projectDir: string): Promise<StackPlan> {
  rmSync(projectDir, { recursive: true, force: true });
  ensureDir(dirname(projectDir));
  const generator = oldGenerator(version);
  const flags = ['framework', 'database', 'cache', 'proxy'].flatMap((k) => [`--${k}`, String(answers[k as keyof Answers])]);
  const made = spawnSync(
    process.execPath,
    [
      join(generator, 'bin', 'pydocker.js'),
      'new',
      projectDir,
      '--yes',
      '--name',
      answers.name,
      ...flags,
      '--observability',
      answers.observability.join(',') || 'none',
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    },
  );
  if (made.status !== 0) throw new Error(`generator-pydocker ${version} new failed: ${made.stderr}`);
  await upgradeProject({
    root: projectDir,
    dryRun: false,
    conflict: 'fail',
    allowDirty: true,
    migratePostgres: false,
    baseGenerator: generator,
    log: () => {},
    warn: () => {},
  });
  const stored = JSON.parse(readFileSync(join(projectDir, '.yo-rc.json'), 'utf8'))['generator-pydocker'] as { answers: Answers; hold?: Record<string, string> };
  return planFor(stored.answers, undefined, { hold: stored.hold ?? {} });
}

function withoutKind(a: Answers, kind: string): Partial<Answers> {
  const slot = CHOICE_SLOTS[componentById(kind)?.slot as ChoiceSlot];
  if (slot && !slot.multi) return { [slot.key]: 'none' };
  return { observability: a.observability.filter((o) => o !== kind) };
}

class Recorder {
  readonly checks: Record<string, CheckOutcome> = {};
  constructor(private readonly onResult?: (name: string, o: CheckOutcome) => void) {}

  record(name: string, o: CheckOutcome) {
    this.checks[name] = o;
    this.onResult?.(name, o);
  }

  ok(name: string): boolean {
    return this.checks[name]?.ok === true;
  }

  skip(name: string, why: string) {
    this.record(name, { ok: null, ms: 0, message: why });
  }

  /** Runs a check unless one it needs did not pass; the check returns a message or throws. */
  async run(name: string, needs: string[], fn: () => Promise<string>): Promise<boolean> {
    const missing = needs.find((n) => !this.ok(n));
    if (missing) {
      this.skip(name, `not run: ${missing} ${this.checks[missing] ? 'did not pass' : 'did not run'}`);
      return false;
    }
    const started = Date.now();
    try {
      const message = await fn();
      this.record(name, { ok: true, ms: Date.now() - started, message });
      return true;
    } catch (err) {
      this.record(name, { ok: false, ms: Date.now() - started, message: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }
}

export interface RunContext {
  venv: Promise<Venv>;
  redisIndex: number;
  /** Messages of servers that do not answer (undefined: answers). */
  servers: Record<'postgres' | 'mariadb' | 'redis', string | undefined>;
  onResult?: (name: string, o: CheckOutcome) => void;
}

function firstLine(text: string, re: RegExp): string {
  return (
    text
      .split('\n')
      .reverse()
      .find((l) => re.test(l))
      ?.trim() ?? ''
  );
}

/** Whether a user other than root can reach `path` (every parent folder searchable by others). */
function reachableByOthers(path: string): boolean {
  for (let p = path; p !== dirname(p); p = dirname(p)) {
    try {
      if ((statSync(p).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
  }
  return true;
}

export async function runCombination(prep: Prepared, ctx: RunContext): Promise<CombinationResult> {
  const started = Date.now();
  const c = prep.combination;
  const rec = new Recorder(ctx.onResult);
  const cleanups: Array<() => Promise<void> | void> = [];
  const { projectDir, logDir } = prep;

  try {
    await rec.run('generate', [], async () => {
      if (prep.error || !prep.plan) throw new Error(prep.error ?? 'no plan');
      const problems = imageProblems(readImage(projectDir), prep.plan);
      if (problems.length) throw new Error(problems.join('\n'));
      return `${prep.plan.files.length} planned files; CMD ${JSON.stringify(prep.plan.serve.command)}`;
    });
    const plan = prep.plan!;
    let venv: Venv | undefined;
    await rec.run('venv', ['generate'], async () => {
      venv = await ctx.venv;
      return `${venv.built ? 'built' : 'reused'} .tmp/venvs/${venv.key} in ${(venv.ms / 1000).toFixed(1)} s`;
    });
    if (!venv) return finish();
    const v = venv;
    const image = readImage(projectDir);

    // ---- the real servers and scratch resources
    const database = plan.answers.database;
    const cache = plan.answers.cache;
    // The database's and the cache's servers come from their components' kits (src/components/<id>/verify.ts).
    const dbKit = database === 'none' ? undefined : kitOf(database).liveDatabase;
    const cacheKit = cache === 'none' ? undefined : kitOf(cache).liveCache;
    let dbServer: LiveServer | undefined;
    let cacheServer: LiveServer | undefined;
    await rec.run('servers', ['generate'], async () => {
      if (database !== 'none' && !dbKit) throw new Error(`${database} has no live kit (src/components/${database}/verify.ts: liveDatabase)`);
      if (cache !== 'none' && !cacheKit) throw new Error(`${cache} has no live kit (src/components/${cache}/verify.ts: liveCache)`);
      const made: string[] = [];
      if (dbKit) {
        dbServer = await dbKit.provide({ logDir, index: ctx.redisIndex, label: c.id });
        cleanups.push(() => dbServer!.stop());
        made.push(dbServer.note);
      }
      if (cacheKit) {
        cacheServer = await cacheKit.provide({ logDir, index: ctx.redisIndex, label: c.id });
        cleanups.push(() => cacheServer!.stop());
        made.push(cacheServer.note);
      }
      return made.join('; ') || 'none needed';
    });
    const serverFor = (service: 'db' | 'cache') => {
      const target = (service === 'db' ? dbServer : cacheServer)?.target;
      if (!target) throw new Error(`internal: no server behind ${service}`);
      return target;
    };

    // ---- the generated CI's test job: migrations on a fresh database, then pytest; and ruff
    await rec.run('pytest', ['venv', 'servers'], async () => {
      const env = ciTestEnv(projectDir);
      dbServer?.forCi(env);
      cacheServer?.forCi(env);
      let out = '';
      if (plan.serve.migrateCommand) {
        const m = await runCommand(plan.serve.migrateCommand[0]!, plan.serve.migrateCommand.slice(1), { cwd: projectDir, env: v.env(env), timeoutMs: 180_000 });
        if (m.code !== 0) throw new Error(`CI step "${plan.serve.migrateCommand.join(' ')}" exited ${m.code}:\n${tail2(m.output)}`);
        out = 'migrations applied; ';
      }
      const r = await runPytest(projectDir, v, env);
      if (r.code !== 0) throw new Error(`pytest exited ${r.code}:\n${tail2(r.output, 60)}`);
      return `${out}${firstLine(r.output, /\d+ passed/)}`;
    });
    await rec.run('ruff', ['venv'], async () => {
      const r = await runRuff(projectDir, v);
      if (r.code !== 0) throw new Error(tail2(r.output, 40));
      return 'ruff check and ruff format --check clean';
    });

    // ---- inside the sandbox
    if (!rec.ok('servers')) return finish();
    const port = Number(image.env.PORT ?? plan.answers.port);
    const runAsImageUser = reachableByOthers(projectDir) && reachableByOthers(v.dir);
    const img: ImageCommand = runAsImageUser ? image : { ...image, uid: undefined, gid: undefined };
    const dataDir = writableDir(join(logDir, 'data'), img);
    const multiproc = writableDir(join(logDir, 'prometheus-multiproc'), img);

    const overrides: Record<string, string> = { WEB_CONCURRENCY: '2', LOG_LEVEL: 'info' };
    Object.assign(overrides, dbServer?.overrides, cacheServer?.overrides);
    const values = prodEnvFile(projectDir, plan, overrides);
    const pointAtScratch = (env: Record<string, string>) => {
      dbServer?.forApp(env, { dataDir });
      cacheServer?.forApp(env, { dataDir });
      return env;
    };
    const webEnv = pointAtScratch(composeEnvironment(projectDir, 'web', values));

    // The dependencies, as the app's environment names them (service:port on the compose network).
    const deps: Array<Dependency & { check: string }> = [];
    const problems: string[] = [];
    const composeServices = new Set([...Object.keys(readCompose(projectDir, 'prod').services), ...Object.keys(readCompose(projectDir, 'dev').services)]);
    for (const check of plan.readiness) {
      let host: string | undefined;
      let p: number | undefined;
      let service: 'db' | 'cache';
      if (check === database && dbKit && dbServer?.target) {
        ({ host, port: p } = dbKit.locate(webEnv));
        service = 'db';
      } else if (check === cache && cacheKit) {
        ({ host, port: p } = cacheKit.locate(webEnv));
        service = 'cache';
      } else continue; // a database that is a file: no server
      if (!host || !composeServices.has(host)) problems.push(`${check}: the app's environment points at "${host}", which is not a compose service`);
      deps.push({ check, service: host ?? service, port: p, target: serverFor(service) });
    }
    const otlp = webEnv.OTEL_EXPORTER_OTLP_ENDPOINT ? parseUrl(webEnv.OTEL_EXPORTER_OTLP_ENDPOINT) : undefined;

    let sandbox: Sandbox | undefined;
    await rec.run('sandbox', [], async () => {
      if (problems.length) throw new Error(problems.join('\n'));
      sandbox = await Sandbox.create({
        name: c.id,
        hostNames: [...composeServices],
        inboundPorts: [...new Set([port, 80, 443, 9090])],
        dependencies: deps,
        ...(otlp ? { otlpPort: Number(otlp.port ?? 4318) } : {}),
        readOnly: [projectDir, v.dir],
        logDir,
      });
      cleanups.push(() => sandbox!.close());
      return `names ${[...composeServices].join(', ')} → 127.0.0.1; ${deps.map((d) => `${d.service}:${d.port} → ${d.target.host}:${d.target.port}`).join(', ') || 'no servers'}; ${runAsImageUser ? `app runs as uid ${image.uid}` : 'app runs as root (the checkout is not reachable by other users)'}`;
    });
    if (!sandbox) return finish();
    const sb = sandbox;

    const spec: AppSpec = {
      projectDir,
      plan,
      venv: v,
      image: img,
      port,
      env: imageEnv(img, v, projectDir, { ...webEnv, WEB_CONCURRENCY: '2', PROMETHEUS_MULTIPROC_DIR: multiproc, APP_ENV: 'production' }),
      logDir,
    };
    const migrateCommand = composeCommand(projectDir, 'migrate');
    if (migrateCommand) {
      spec.migrate = { command: migrateCommand, env: imageEnv(img, v, projectDir, pointAtScratch(composeEnvironment(projectDir, 'migrate', values))) };
      await rec.run('migrate', ['sandbox'], async () => {
        if (JSON.stringify(migrateCommand) !== JSON.stringify(plan.serve.migrateCommand)) {
          throw new Error(
            `compose migrate command ${JSON.stringify(migrateCommand)} differs from plan.serve.migrateCommand ${JSON.stringify(plan.serve.migrateCommand)}`,
          );
        }
        const r = await runMigrate(sb, spec);
        if (r.code !== 0) throw new Error(`${migrateCommand.join(' ')} exited ${r.code}:\n${tail2(r.output)}`);
        return `${migrateCommand.join(' ')} (${(r.ms / 1000).toFixed(1)} s)`;
      });
    } else if (plan.serve.migrateCommand) {
      rec.record('migrate', { ok: false, ms: 0, message: 'plan has a migrate command but compose.prod.yaml has no migrate service' });
    }

    let app: RunningApp | undefined;
    await rec.run('start', ['sandbox', ...(migrateCommand ? ['migrate'] : [])], async () => {
      app = await startApp(sb, spec);
      return `${spec.image.cmd.join(' ')} on :${port}, /health 200 after ${(app.startMs / 1000).toFixed(1)} s`;
    });
    if (!app) return finish();
    const running = app;
    cleanups.push(async () => void (await sb.stopProcess(running.process, 'SIGKILL', 2000)));

    // Confined as production runs it (compose's hardening, Kubernetes' restricted securityContext).
    if (spec.image.uid && process.getuid?.() === 0) {
      const uid = spec.image.uid;
      await rec.run('confined', ['start'], async () => {
        const problems = confinementProblems(running.process.innerPid, uid, [projectDir, v.dir]);
        if (problems.length) throw new Error(problems.join('; '));
        return `UID ${uid}, no capabilities (effective, permitted, bounding), no_new_privs, code and venv read-only`;
      });
    }

    await rec.run('health', ['start'], async () => {
      const rid = `e2e-${randomBytes(4).toString('hex')}`;
      const r = await sb.request(port, { path: '/health', headers: { 'X-Request-ID': rid } });
      if (r.status !== 200) throw new Error(`GET /health ${r.status}: ${r.body.slice(0, 200)}`);
      if (JSON.parse(r.body).status !== 'ok') throw new Error(`GET /health body ${r.body}`);
      if (r.headers['x-request-id'] !== rid) throw new Error(`X-Request-ID sent ${rid}, answered ${r.headers['x-request-id']}`);
      const gen = await sb.request(port, { path: '/health' });
      if (!gen.headers['x-request-id']) throw new Error('no X-Request-ID generated when the request has none');
      return `200 ${r.body.trim()}; X-Request-ID echoed and generated`;
    });

    const readiness = async () => {
      const r = await sb.request(port, { path: '/health/ready', timeoutMs: 15_000 });
      let body: { status?: string; checks?: Record<string, { status: string; error?: string }> } = {};
      try {
        body = JSON.parse(r.body);
      } catch {
        throw new Error(`/health/ready ${r.status} is not JSON: ${r.body.slice(0, 200)}`);
      }
      return { r, body };
    };
    await rec.run('ready', ['start'], async () => {
      // Like a healthcheck with retries: the first probe also pays for the first connections (lazy engines and
      // clients), which can exceed READINESS_TIMEOUT on a loaded machine; it must be 200 within 20 s.
      const first = await readiness();
      let { r, body } = first;
      const t0 = Date.now();
      while (r.status !== 200 && Date.now() - t0 < 20_000) {
        await sleep(500);
        ({ r, body } = await readiness());
      }
      const names = Object.keys(body.checks ?? {});
      if (r.status !== 200) throw new Error(`/health/ready ${r.status} for 20 s: ${r.body.slice(0, 300)}`);
      const missing = plan.readiness.filter((n) => body.checks?.[n]?.status !== 'ok');
      if (missing.length) throw new Error(`checks not ok: ${missing.join(', ')} (${r.body.slice(0, 300)})`);
      const extra = names.filter((n) => !plan.readiness.includes(n));
      if (extra.length) throw new Error(`unexpected checks ${extra.join(', ')}`);
      const slowStart = first.r.status === 200 ? '' : ` (first probe ${first.r.status}: ${first.r.body.slice(0, 160)})`;
      return `200 with ${names.join(', ') || 'no checks'}${slowStart}`;
    });

    const breakAndRecover = async (dep: (typeof deps)[number], mode: PauseMode) => {
      const fw = sb.forwarders.get(dep.service)!;
      const t0 = Date.now();
      await fw.pause(mode);
      let error = '';
      let brokenMs = 0;
      let probeMs = 0;
      try {
        // A 503 naming exactly the broken dependency; on a loaded machine another check may time out in one
        // probe, so probes go on until one names only it (or 20 s pass).
        const failedIn = (x: Awaited<ReturnType<typeof readiness>>) =>
          Object.entries(x.body.checks ?? {})
            .filter(([, c]) => c.status !== 'ok')
            .map(([k]) => k);
        let last: Awaited<ReturnType<typeof readiness>> | undefined;
        const broken = await waitFor(
          `/health/ready to answer 503 naming only ${dep.check} while ${dep.service} is unreachable`,
          20_000,
          async () => {
            const x = await readiness();
            if (x.r.status !== 200 && x.r.status !== 503) throw new Error(`status ${x.r.status}`);
            last = x;
            return x.r.status === 503 && failedIn(x).join() === dep.check ? x : undefined;
          },
          250,
        ).catch((err: Error) => {
          throw new Error(`${err.message}${last ? `; last answer ${last.r.status}: ${last.r.body.slice(0, 300)}` : ''}`);
        });
        brokenMs = Date.now() - t0;
        probeMs = broken.r.ms;
        error = broken.body.checks?.[dep.check]?.error ?? '';
        if (!error) throw new Error(`503 names ${dep.check} without an error message`);
        if (mode === 'blackhole' && !/timed out/i.test(error)) throw new Error(`expected a timeout, got: ${error}`);
        const live = await sb.request(port, { path: '/health', timeoutMs: 5000 });
        if (live.status !== 200) throw new Error(`/health answered ${live.status} while ${dep.service} was down (liveness must not depend on it)`);
      } finally {
        await fw.resume();
      }
      const t1 = Date.now();
      let probes = 0;
      await waitFor(
        `/health/ready to answer 200 once ${dep.service} is back`,
        30_000,
        async () => {
          probes++;
          const x = await readiness();
          return x.r.status === 200 ? x : undefined;
        },
        250,
      );
      return `${mode === 'refuse' ? 'refused' : 'blackholed'}: 503 {${dep.check}: "${error}"} after ${brokenMs} ms (probe ${probeMs} ms), /health still 200; 200 again ${Date.now() - t1} ms after recovery (${probes} probe${probes > 1 ? 's' : ''})`;
    };
    for (const dep of deps) await rec.run(`dep:${dep.check}`, ['ready'], () => breakAndRecover(dep, 'refuse'));
    if (dbServer && !dbServer.target) {
      // A database that is a file (SQLite): overwriting it while the app runs leaves /items and readiness working
      // from the open connection (WAL), so there is no failure to provoke without touching the process.
      rec.skip(`dep:${database}`, `n/a: ${database} is a file in the app's volume, not a server: nothing to make unreachable`);
    }
    if (c.all && deps[0]) {
      await rec.run('ready-timeout', ['ready'], async () => {
        const m = await breakAndRecover(deps[0]!, 'blackhole');
        return m;
      });
    }

    await rec.run('metrics', ['start'], async () => {
      await sb.request(port, { path: `/e2e-unmatched-${randomBytes(3).toString('hex')}` });
      // A request is counted when its handling ends, which can be just after the client has the response (the
      // ASGI middleware records after the last body chunk is sent), and a scrape may reach the other worker
      // first: scrape until the unknown path's sample is there, for up to 5 s.
      const unmatched = (body: string) =>
        body.split('\n').some((l) => l.startsWith('http_requests_total{') && l.includes('route="<unmatched>"') && l.includes('status="404"'));
      let r = await sb.request(port, { path: '/metrics' });
      for (const deadline = Date.now() + 5_000; r.status === 200 && !unmatched(r.body) && Date.now() < deadline; ) {
        await sleep(200);
        r = await sb.request(port, { path: '/metrics' });
      }
      if (r.status !== 200) throw new Error(`GET /metrics ${r.status}`);
      const ct = String(r.headers['content-type'] ?? '');
      if (!/^text\/plain/.test(ct) && !/openmetrics/.test(ct)) throw new Error(`content-type ${ct}`);
      const p = await promtoolCheckMetrics(r.body);
      if (p.code !== 0) throw new Error(`promtool check metrics exited ${p.code}:\n${p.output.trim().slice(0, 2000)}`);
      // Families without samples are not exposed in multiprocess mode: the error counter appears once a 5xx
      // was served (the 503s of the dependency checks above).
      const served5xx = deps.length > 0;
      const expected = [
        'http_requests_total',
        'http_request_duration_seconds',
        'http_requests_in_progress',
        ...(served5xx ? ['http_request_errors_total'] : []),
      ];
      const missing = expected.filter((m) => !new RegExp(`^# TYPE ${m}\\b`, 'm').test(r.body));
      if (missing.length) throw new Error(`documented metrics missing: ${missing.join(', ')}`);
      const sample = (name: string, labels: string[]) => r.body.split('\n').some((l) => l.startsWith(`${name}{`) && labels.every((x) => l.includes(x)));
      if (!sample('http_requests_total', ['route="/health"', 'status="200"']))
        throw new Error('no http_requests_total sample for route="/health" status="200"');
      if (!sample('http_requests_total', ['route="<unmatched>"', 'status="404"']))
        throw new Error('an unknown path is not counted as route="<unmatched>" status="404"');
      if (/route="\/e2e-unmatched-/.test(r.body)) throw new Error('an unmatched path became a route label (cardinality)');
      if (served5xx && !sample('http_request_errors_total', ['route="/health/ready"']))
        throw new Error('the 503s of /health/ready are not in http_request_errors_total');
      return `promtool check metrics clean (${r.body.length} bytes); documented metrics and labels present${served5xx ? ', 503s counted as errors' : ''}`;
    });

    const kind = c.answers.proxy;
    for (const mode of kind === 'none' ? [] : proxyModes(kind, c.all)) {
      await rec.run(`proxy:${kind}-${mode}`, ['health'], async () => {
        const px = await startProxy(sb, projectDir, kind, mode, logDir);
        try {
          return `${await proxyChecks(sb, px, running.log)}${px.notes.length ? ` [${px.notes.join('; ')}]` : ''}`;
        } finally {
          await px.stop();
        }
      });
    }

    if (c.all && plan.components.includes('prometheus')) {
      await rec.run('prometheus', ['health'], () => prometheusScrapes(sb, projectDir, `web:${port}`, logDir));
    }

    // ---- stop: SIGTERM to gunicorn; the default stack with a slow request in flight
    const canSlow = c.all && plan.answers.database !== 'none';
    if (canSlow) {
      await rec.run('graceful-stop', ['health'], () => gracefulStop(sb, running, port));
    } else {
      await rec.run('stop', ['start'], async () => {
        const t0 = Date.now();
        const s = await sb.stopProcess(running.process, 'SIGTERM', 30_000);
        if (!s.graceful) throw new Error(`still running 30 s after SIGTERM (compose's stop_grace_period): killed`);
        if (s.code !== 0) throw new Error(`exited ${s.code} after SIGTERM:\n${tail(running.log, 20)}`);
        return `exit 0 ${Date.now() - t0} ms after SIGTERM`;
      });
    }
    await rec.run('no-strays', ['start'], async () => {
      await sleep(200);
      const left = sb.strays();
      if (left.length) {
        const desc = left.map(
          (pid) => `${pid} ${existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() : ''}`,
        );
        throw new Error(`processes left in the sandbox after the app exited: ${desc.join('; ')}`);
      }
      return 'no process of the app left behind';
    });

    await rec.run('logs', ['start'], async () => {
      const lines = readFileSync(running.log, 'utf8')
        .split('\n')
        .filter((l) => l.trim());
      const bad = lines.filter((l) => {
        try {
          return typeof JSON.parse(l) !== 'object';
        } catch {
          return true;
        }
      });
      if (bad.length) throw new Error(`${bad.length} of ${lines.length} lines are not JSON, e.g.:\n${bad.slice(0, 5).join('\n')}`);
      return `${lines.length} lines, all JSON`;
    });

    if (otlp) {
      await rec.run('otel', ['start'], async () => {
        const log = sb.otlpLog;
        const lines = existsSync(log)
          ? readFileSync(log, 'utf8')
              .trim()
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l) as { path: string; bytes: number })
          : [];
        const traces = lines.filter((l) => l.path === '/v1/traces');
        if (!traces.length)
          throw new Error(
            `no OTLP trace export reached ${webEnv.OTEL_EXPORTER_OTLP_ENDPOINT} (${lines.length} requests: ${lines.map((l) => l.path).join(', ')})`,
          );
        return `${traces.length} trace export(s), ${traces.reduce((a, t) => a + t.bytes, 0)} bytes, to ${webEnv.OTEL_EXPORTER_OTLP_ENDPOINT}`;
      });
    }
    return finish();
  } catch (err) {
    rec.record('harness', { ok: false, ms: 0, message: (err as Error).stack ?? String(err) });
    return finish();
  } finally {
    for (const f of cleanups.reverse()) {
      try {
        await f();
      } catch (err) {
        rec.record('cleanup', { ok: false, ms: 0, message: (err as Error).message });
      }
    }
  }

  function finish(): CombinationResult {
    return { id: c.id, answers: c.answers, roles: c.roles, checks: rec.checks, ms: Date.now() - started, logDir, projectDir };
  }
}

function tail2(output: string, n = 30): string {
  const lines = quietPip(output).split('\n');
  return lines.slice(Math.max(0, lines.length - n)).join('\n');
}

/**
 * SIGTERM while a request is in flight: POST /items whose body arrives slowly (headers and half the body,
 * then SIGTERM, then the rest 3 s later). The request must complete (201), and gunicorn must exit 0 within
 * its graceful_timeout and compose's stop_grace_period (30 s).
 */
async function gracefulStop(sb: Sandbox, app: RunningApp, port: number): Promise<string> {
  const body = JSON.stringify({ name: 'slow-request-during-shutdown' });
  const sock = await sb.rawConnection(port);
  let response = '';
  const closed = new Promise<void>((resolve) => {
    sock.on('data', (d) => (response += d.toString()));
    sock.on('close', () => resolve());
    sock.on('error', () => resolve());
  });
  sock.write(
    `POST /items HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-ID: e2e-slow\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
  );
  await sleep(1000); // the worker is now reading the body
  const t0 = Date.now();
  process.kill(app.process.innerPid, 'SIGTERM');
  await sleep(3000);
  const stillRunning = app.process.running();
  sock.write(body.slice(10));
  await Promise.race([closed, sleep(20_000)]);
  sock.destroy();
  const code = await waitExit(app.process, 30_000 - (Date.now() - t0));
  const elapsed = Date.now() - t0;
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1];
  const problems: string[] = [];
  if (!stillRunning) problems.push('the app exited before the in-flight request finished');
  if (status !== '201')
    problems.push(`the in-flight request got ${status ? `status ${status}` : `no response (${JSON.stringify(response.slice(0, 100))})`}, expected 201`);
  if (code === undefined) {
    problems.push('still running 30 s after SIGTERM (compose stop_grace_period): killed');
    await sb.stopProcess(app.process, 'SIGKILL', 2000);
  } else if (code !== 0) problems.push(`exited ${code}`);
  if (problems.length) throw new Error(`${problems.join('\n')}\n--- app log\n${tail(app.log, 20)}`);
  return `in-flight POST /items completed with 201 after SIGTERM; exit 0 ${elapsed} ms after SIGTERM`;
}
