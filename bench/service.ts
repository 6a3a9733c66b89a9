// Service benchmark: the generated app of each framework (full stack: PostgreSQL, Redis, nginx, Prometheus,
// Grafana) served the way its production image serves it (the Dockerfile's gunicorn CMD and gunicorn.conf.py,
// 2 workers) against the real PostgreSQL and Redis on loopback, next to the same framework's bare hello-world
// app served the same way, both under wrk, direct and through the generated nginx config. Pairs are measured
// back to back in each round (order alternating), so the ratios hold on a shared, noisy machine; the app's CPU
// time per request and in-process timings (no HTTP) show where the time goes.
// See bench/README.md for what each figure means.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bareApp } from './support/bare.js';
import { startNginx, type BenchNginx } from './support/nginx.js';
import { OUT } from './support/paths.js';
import { childrenOf, freePort, runCommand, sleep, start, stop, tail, waitFor, type Started } from '../test/support/live/proc.js';
import {
  type Framework,
  FRAMEWORKS,
  POSTGRES,
  REDIS,
  appEnvironment,
  generateProject,
  imageRun,
  migrateCommand,
  psql,
  scratchDatabase,
} from './support/project.js';
import { python as findPython, type Venv, venvFor } from '../test/support/live/venv.js';

type Python = { path: string; version: string };
import { wrk, type WrkOptions, type WrkResult } from './support/wrk.js';

const ROUNDS = Math.max(1, Number(process.env.BENCH_SERVICE_RUNS ?? 4));
const SECONDS = Math.min(5, Math.max(1, Number(process.env.BENCH_SECONDS ?? 5)));
const LOAD: WrkOptions = { threads: 2, connections: Number(process.env.BENCH_CONNECTIONS ?? 32), seconds: SECONDS };
/** One scraper at a time, as Prometheus scrapes a target. */
const SCRAPE: WrkOptions = { threads: 1, connections: 1, seconds: SECONDS };
// Routes the bench adds before measuring /metrics: 55 make over 2,000 series (the target holds at >= 2,000).
const ROUTES = 55;
const SELECTED = (process.env.BENCH_FRAMEWORKS ?? FRAMEWORKS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean) as Framework[];
const INPROCESS = fileURLToPath(new URL('./support/inprocess.py', import.meta.url));

const TARGETS = {
  health: 'generated /health',
  bare: 'bare /health',
  ready: 'generated /health/ready',
  readyProxy: 'generated /health/ready via nginx*',
  healthProxy: 'generated /health via nginx',
  bareProxy: 'bare /health via nginx',
  metrics: `generated /metrics`,
  scrape: 'generated /metrics, one scraper',
} as const;
type Key = keyof typeof TARGETS;

/** Pairs measured back to back in each round, the order alternating between rounds. */
const PAIRS: Array<[Key, Key]> = [
  ['health', 'bare'],
  ['ready', 'readyProxy'],
  ['healthProxy', 'bareProxy'],
  ['metrics', 'scrape'],
];

interface Figures {
  rps: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  /** CPU time of the app's gunicorn processes (master and workers) per request, µs. */
  cpuUs: number;
}

interface Run extends WrkResult {
  cpuUs: number;
}

interface InProcess {
  generatedUs: number;
  bareUs: number;
  parts: Record<string, number>;
  /** µs per GET /health of the bare app, the generated app, and the generated app without one piece at a time. */
  variants: Record<string, number>;
  scrape: { series: number; files: number; median_ms: number; p99_ms: number; collect_ms: number; exposition_ms: number };
}

interface FrameworkResult {
  framework: Framework;
  server: string;
  runs: Record<Key, Run[]>;
  median: Record<Key, Figures>;
  ratios: { health: number; healthCpu: number; readyProxy: number; healthProxy: number; bareProxy: number };
  load: { before: string; after: string };
  metrics: { series: number; routes: number; benchRoutes: number; bytes: number };
  /** Per worker, MiB: peak after the load, and resident at rest (after start). */
  memory: { generated: number[]; bare: number[]; rest: { generated: number[]; bare: number[] } };
  /** Spawn to the first 200: generated /health/ready (database and cache checked), bare /health. */
  startMs: { generated: number; bare: number };
  inprocess: InProcess;
  sweep?: Array<{ routes: number; series: number; median_ms: number; collect_ms: number; exposition_ms: number }>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

class Fatal extends Error {}

// ---- cleanup: every process by its id, scratch databases dropped, also on Ctrl-C ----
const cleanups: Array<() => Promise<void>> = [];
async function cleanup(): Promise<void> {
  while (cleanups.length) {
    const fn = cleanups.pop()!;
    await fn().catch((err) => console.error(`cleanup: ${(err as Error).message}`));
  }
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping what the benchmark started`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function preflight(): Promise<Python> {
  const problems: string[] = [];
  const tool = (name: string, pkg: string) => {
    try {
      execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    } catch {
      problems.push(`${name} is not installed (apt-get install ${pkg})`);
    }
  };
  tool('wrk', 'wrk');
  tool('nginx', 'nginx');
  tool('psql', 'postgresql-client');
  tool('redis-cli', 'redis-tools');
  let python: Python | undefined;
  try {
    python = await findPython();
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (!problems.some((p) => p.startsWith('psql'))) {
    await psql('SELECT 1').catch((err) =>
      problems.push(`PostgreSQL ${POSTGRES.host}:${POSTGRES.port} (trust, user ${POSTGRES.user}) does not answer: ${(err as Error).message}`),
    );
  }
  if (!problems.some((p) => p.startsWith('redis-cli'))) {
    const r = await runCommand('redis-cli', ['-h', REDIS.host, '-p', String(REDIS.port), 'ping'], { timeoutMs: 10_000 });
    if (r.code !== 0 || !/PONG/.test(r.output)) problems.push(`Redis ${REDIS.host}:${REDIS.port} does not answer PING: ${r.output.trim() || `exit ${r.code}`}`);
  }
  for (const f of SELECTED) if (!FRAMEWORKS.includes(f)) problems.push(`BENCH_FRAMEWORKS: unknown framework ${f}`);
  if (problems.length || !python) throw new Fatal(`bench/service.ts cannot run:\n  - ${problems.join('\n  - ')}`);
  return python;
}

interface App {
  name: string;
  port: number;
  process: Started;
  log: string;
  /** From spawning gunicorn to the first 200 of `readyPath` (polled every 10 ms). */
  startMs: number;
}

async function startApp(name: string, cmd: string[], cwd: string, env: NodeJS.ProcessEnv, logDir: string, readyPath: string): Promise<App> {
  const log = join(logDir, `${name}.log`);
  const port = Number(env.PORT);
  const t0 = performance.now();
  const p = start(cmd[0]!, cmd.slice(1), { cwd, env, log, group: true });
  cleanups.push(async () => void (await stop(p, { graceMs: 30_000 })));
  let startMs = 0;
  try {
    await waitFor(
      `${name} app on 127.0.0.1:${port}${readyPath}`,
      60_000,
      async () => {
        if (!p.running()) throw new Error(`gunicorn exited ${await p.exited}`);
        const r = await fetch(`http://127.0.0.1:${port}${readyPath}`).catch(() => undefined);
        if (r?.status !== 200) return undefined;
        startMs = performance.now() - t0;
        return true;
      },
      10,
    );
    await waitFor(`${name} app's 2 workers`, 30_000, async () => (childrenOf(p.pid).length >= 2 ? true : undefined));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- ${log}\n${tail(log, 20)}`);
  }
  return { name, port, process: p, log, startMs };
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.text() };
}

/** Waits until the app has finished the requests a load left behind: /health answers quickly, 3 times in a row. */
async function settle(port: number): Promise<void> {
  const deadline = Date.now() + 5000;
  let quick = 0;
  while (quick < 3 && Date.now() < deadline) {
    const t0 = performance.now();
    await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    quick = performance.now() - t0 < 5 ? quick + 1 : 0;
    if (quick < 3) await sleep(50);
  }
}

/** CPU time (user + system, ms) used so far by a gunicorn master and its workers. */
function cpuMs(master: number): number {
  let ticks = 0;
  for (const pid of [master, ...childrenOf(master)]) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      /* a worker that just exited */
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Resident memory (MiB) of each worker of a gunicorn master: now (VmRSS) or its peak so far (VmHWM). */
function workerRss(master: number, field: 'VmRSS' | 'VmHWM'): number[] {
  return childrenOf(master).map((pid) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  });
}

function countSeries(body: string): { series: number; routes: number; benchRoutes: number } {
  const lines = body.split('\n').filter((l) => l && !l.startsWith('#'));
  const routes = new Set(lines.map((l) => /route="([^"]*)"/.exec(l)?.[1]).filter((r): r is string => r !== undefined));
  return { series: lines.length, routes: routes.size, benchRoutes: [...routes].filter((r) => r.startsWith('/bench/')).length };
}

async function python(venv: Venv, dir: string, env: Record<string, string>, args: string[]): Promise<unknown> {
  const r = await runCommand(venv.python, [INPROCESS, ...args], { cwd: dir, env: venv.env(env), timeoutMs: 180_000 });
  const last = r.output.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !last.startsWith('{')) throw new Error(`inprocess.py ${args.join(' ')} failed (${r.code}):\n${r.output}`);
  return JSON.parse(last);
}

async function benchFramework(framework: Framework, withSweep: boolean): Promise<FrameworkResult> {
  const dir = join(OUT, framework);
  const logDir = join(OUT, 'logs', framework);
  const runDir = join(OUT, 'run', framework);
  for (const d of [logDir, runDir]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  const step = (s: string) => console.log(`  [${framework}] ${s}`);
  const loadBefore = loadavg();

  generateProject(framework, dir);
  const bare = bareApp(framework);
  writeFileSync(join(dir, bare.file), bare.source);
  const image = imageRun(dir);
  const conf = readFileSync(join(dir, 'gunicorn.conf.py'), 'utf8');
  const workerClass = /^worker_class\s*=\s*"([^"]+)"/m.exec(conf)?.[1] ?? '?';
  const threads = /^threads\s*=\s*(\d+)/m.exec(conf)?.[1];
  const server = `gunicorn ${workerClass}${threads ? ` (${threads} threads)` : ''}, 2 workers`;

  step('venv (requirements.txt)');
  const venv = await venvFor(dir, 'runtime');
  step(venv.built ? `venv built in ${(venv.ms / 1000).toFixed(0)} s` : 'venv reused from .tmp/venvs');
  // As the image's build does (`python -m compileall -q app`): the app's bytecode exists before it starts.
  await runCommand(venv.python, ['-m', 'compileall', '-q', 'app', bare.file], { cwd: dir, env: venv.env(), timeoutMs: 60_000 });

  const db = await scratchDatabase(framework);
  cleanups.push(() => db.drop());
  const genPort = await freePort();
  const barePort = await freePort();
  // PROMETHEUS_MULTIPROC_DIR on tmpfs, as in production (compose.prod.yaml mounts /tmp as tmpfs).
  const shm = existsSync('/dev/shm') ? join('/dev/shm', `pydocker-bench-${process.pid}-${framework}`) : join(runDir, 'shm');
  rmSync(shm, { recursive: true, force: true });
  mkdirSync(shm, { recursive: true });
  cleanups.push(async () => rmSync(shm, { recursive: true, force: true }));
  const genEnv = appEnvironment(framework, image, db, genPort, join(shm, 'prometheus-generated'));
  const bareEnv = appEnvironment(framework, image, db, barePort, join(shm, 'prometheus-bare'));

  const migrate = migrateCommand(dir);
  step(`migrate: ${migrate.join(' ')}`);
  const m = await runCommand(migrate[0]!, migrate.slice(1), { cwd: dir, env: venv.env(genEnv), timeoutMs: 120_000 });
  if (m.code !== 0) throw new Error(`${migrate.join(' ')} failed (${m.code}):\n${m.output}`);

  step(`start: ${image.cmd.join(' ')} and ${image.cmd.map((a, i) => (i === 1 ? bare.target : a)).join(' ')}; ${server}`);
  const gen = await startApp('generated', image.cmd, dir, venv.env(genEnv), logDir, '/health/ready');
  const bareApp_ = await startApp(
    'bare',
    image.cmd.map((a, i) => (i === 1 ? bare.target : a)),
    dir,
    venv.env(bareEnv),
    logDir,
    '/health',
  );
  // At rest: started, one request answered, nothing else yet.
  const rest = { generated: workerRss(gen.process.pid, 'VmRSS'), bare: workerRss(bareApp_.process.pid, 'VmRSS') };

  // Sanity: readiness really checks PostgreSQL and Redis; the bare app answers.
  const ready = await get(`http://127.0.0.1:${gen.port}/health/ready`);
  const report = JSON.parse(ready.body) as { checks?: Record<string, { status: string }> };
  if (ready.status !== 200 || report.checks?.postgres?.status !== 'ok' || report.checks?.redis?.status !== 'ok') {
    throw new Error(`/health/ready is not ready with postgres and redis: ${ready.status} ${ready.body}`);
  }
  const bareHealth = await get(`http://127.0.0.1:${bareApp_.port}/health`);
  if (bareHealth.status !== 200 || JSON.parse(bareHealth.body).status !== 'ok') throw new Error(`bare /health: ${bareHealth.status} ${bareHealth.body}`);

  step('nginx: the generated dev.conf in front of each app, and the bench copy that lets /health/ready through');
  const proxies = {} as Record<'gen' | 'ready' | 'bare', BenchNginx>;
  for (const [name, port, readiness] of [
    ['gen', gen.port, false],
    ['ready', gen.port, true],
    ['bare', bareApp_.port, false],
  ] as const) {
    const p = await startNginx(dir, port, join(runDir, `nginx-${name}`), readiness);
    proxies[name] = p;
    cleanups.push(() => p.stop());
  }
  for (const path of ['/health/ready', '/metrics']) {
    const r = await get(`http://127.0.0.1:${proxies.gen.port}${path}`);
    if (r.status !== 404) throw new Error(`the generated nginx config serves ${path} (${r.status}); expected 404`);
  }
  const viaProxy = await get(`http://127.0.0.1:${proxies.ready.port}/health/ready`);
  if (viaProxy.status !== 200) throw new Error(`/health/ready through the bench nginx copy: ${viaProxy.status} ${viaProxy.body}`);

  step(`metrics: series for ${ROUTES} routes into the generated app's PROMETHEUS_MULTIPROC_DIR`);
  await python(venv, dir, genEnv, ['populate', String(ROUTES)]);

  const urls: Record<Key, { url: string; load: WrkOptions; port: number; master: number }> = {
    health: { url: `http://127.0.0.1:${gen.port}/health`, load: LOAD, port: gen.port, master: gen.process.pid },
    bare: { url: `http://127.0.0.1:${bareApp_.port}/health`, load: LOAD, port: bareApp_.port, master: bareApp_.process.pid },
    ready: { url: `http://127.0.0.1:${gen.port}/health/ready`, load: LOAD, port: gen.port, master: gen.process.pid },
    readyProxy: { url: `http://127.0.0.1:${proxies.ready.port}/health/ready`, load: LOAD, port: gen.port, master: gen.process.pid },
    healthProxy: { url: `http://127.0.0.1:${proxies.gen.port}/health`, load: LOAD, port: gen.port, master: gen.process.pid },
    bareProxy: { url: `http://127.0.0.1:${proxies.bare.port}/health`, load: LOAD, port: bareApp_.port, master: bareApp_.process.pid },
    metrics: { url: `http://127.0.0.1:${gen.port}/metrics`, load: LOAD, port: gen.port, master: gen.process.pid },
    scrape: { url: `http://127.0.0.1:${gen.port}/metrics`, load: SCRAPE, port: gen.port, master: gen.process.pid },
  };
  const runs = Object.fromEntries(Object.keys(TARGETS).map((k) => [k, [] as Run[]])) as unknown as Record<Key, Run[]>;
  const measure = async (key: Key, warm: number) => {
    const { url, load, port, master } = urls[key];
    await wrk(url, { ...load, seconds: warm }); // warm-up, not counted
    await settle(port);
    const cpu0 = cpuMs(master);
    const r = await wrk(url, load);
    await settle(port); // the requests still in flight when wrk stopped are counted in the CPU time too
    runs[key].push({ ...r, cpuUs: ((cpuMs(master) - cpu0) * 1000) / r.requests });
  };
  for (let round = 0; round < ROUNDS; round++) {
    step(`round ${round + 1}/${ROUNDS}`);
    const warm = round === 0 ? 2 : 1;
    for (const pair of PAIRS) for (const key of round % 2 ? [...pair].reverse() : pair) await measure(key, warm);
  }
  const memory = { generated: workerRss(gen.process.pid, 'VmHWM'), bare: workerRss(bareApp_.process.pid, 'VmHWM'), rest };
  const scraped = await get(`http://127.0.0.1:${gen.port}/metrics`);
  const metrics = { ...countSeries(scraped.body), bytes: Buffer.byteLength(scraped.body) };
  if (metrics.benchRoutes !== ROUTES) throw new Error(`/metrics exposes ${metrics.benchRoutes} of the ${ROUTES} bench routes`);

  // Where the time goes, without HTTP: the app called in-process (servers idle now, load stopped).
  step('in-process: GET /health generated vs bare, the middleware pieces, /metrics collection');
  const scrape = (await python(venv, dir, genEnv, ['scrape', '50'])) as InProcess['scrape'];
  const freshEnv = (name: string) => ({ ...genEnv, PROMETHEUS_MULTIPROC_DIR: join(shm, name) });
  const inprocessEnv = freshEnv('prometheus-inprocess');
  mkdirSync(inprocessEnv.PROMETHEUS_MULTIPROC_DIR, { recursive: true });
  const variants = ((await python(venv, dir, inprocessEnv, ['variants', framework, '1000', '15'])) as { us: Record<string, number> }).us;
  const parts = (await python(venv, dir, inprocessEnv, ['parts', '5000'])) as Record<string, number>;
  let sweep: FrameworkResult['sweep'];
  if (withSweep) sweep = ((await python(venv, dir, genEnv, ['sweep', '30', '10,20,25,30,50'])) as { sweep: FrameworkResult['sweep'] }).sweep;

  const med = Object.fromEntries(
    (Object.keys(runs) as Key[]).map((k) => [
      k,
      {
        rps: median(runs[k].map((r) => r.rps)),
        p50ms: median(runs[k].map((r) => r.p50ms)),
        p99ms: median(runs[k].map((r) => r.p99ms)),
        errors: runs[k].reduce((a, r) => a + r.errors, 0),
        cpuUs: median(runs[k].map((r) => r.cpuUs)),
      },
    ]),
  ) as Record<Key, Figures>;
  const pairRatio = (a: Key, b: Key) => median(runs[a].map((r, i) => r.rps / runs[b][i]!.rps));
  const cpuRatio = (a: Key, b: Key) => median(runs[a].map((r, i) => runs[b][i]!.cpuUs / r.cpuUs));
  return {
    framework,
    server,
    runs,
    median: med,
    ratios: {
      health: pairRatio('health', 'bare'),
      healthCpu: cpuRatio('health', 'bare'),
      readyProxy: pairRatio('readyProxy', 'ready'),
      healthProxy: pairRatio('healthProxy', 'health'),
      bareProxy: pairRatio('bareProxy', 'bare'),
    },
    load: { before: loadBefore, after: loadavg() },
    metrics,
    memory,
    startMs: { generated: gen.startMs, bare: bareApp_.startMs },
    inprocess: { generatedUs: variants.generated!, bareUs: variants.bare!, parts, variants, scrape },
    sweep,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const mib = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' / ');

function printFramework(r: FrameworkResult): void {
  console.log(`\n${r.framework}: ${r.server}; median of ${ROUNDS} rounds of wrk -d${SECONDS}s --latency; load average ${r.load.before} -> ${r.load.after}`);
  console.log(
    `${'endpoint'.padEnd(38)}${'conns'.padStart(6)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'CPU µs/req'.padStart(12)}${'errors'.padStart(8)}`,
  );
  for (const k of Object.keys(TARGETS) as Key[]) {
    const m = r.median[k];
    const c = k === 'scrape' ? SCRAPE.connections : LOAD.connections;
    console.log(
      `${TARGETS[k].padEnd(38)}${String(c).padStart(6)}${m.rps.toFixed(0).padStart(9)}${m.p50ms.toFixed(2).padStart(9)}${m.p99ms.toFixed(2).padStart(9)}${m.cpuUs.toFixed(0).padStart(12)}${String(m.errors).padStart(8)}`,
    );
  }
  const ip = r.inprocess;
  const parts = Object.entries(ip.parts)
    .map(([k, v]) => `${k.replace(/_us$/, '').replace(/_/g, ' ')} ${v.toFixed(1)}`)
    .join(', ');
  console.log(`  * a bench copy of nginx/dev.conf that lets /health/ready through (the generated one answers 404)`);
  console.log(
    `  generated /health vs bare /health:        ${pct(r.ratios.health)} of the req/s  (target >= 90%: ${mark(r.ratios.health >= 0.9)}); by CPU per request ${pct(r.ratios.healthCpu)}`,
  );
  console.log(`  readiness via nginx vs readiness direct:  ${pct(r.ratios.readyProxy)}  (target >= 70%: ${mark(r.ratios.readyProxy >= 0.7)})`);
  console.log(`  /metrics p99, one scraper:                ${r.median.scrape.p99ms.toFixed(1)} ms  (target < 20 ms: ${mark(r.median.scrape.p99ms < 20)})`);
  console.log(`  /health via nginx vs direct:              generated ${pct(r.ratios.healthProxy)}, bare ${pct(r.ratios.bareProxy)}`);
  console.log(
    `  /metrics exposes ${r.metrics.series} series, ${r.metrics.routes} route labels (${r.metrics.benchRoutes} from the bench), ${(r.metrics.bytes / 1024).toFixed(0)} KiB`,
  );
  const restRatio = Math.max(...r.memory.rest.generated) / Math.max(...r.memory.rest.bare);
  console.log(
    `  RSS per worker at rest (VmRSS, MiB):      generated ${mib(r.memory.rest.generated)}; bare ${mib(r.memory.rest.bare)}; ${restRatio.toFixed(2)}x (target <= 1.5x: ${mark(restRatio <= 1.5)})`,
  );
  console.log(`  peak RSS per worker (VmHWM, MiB):         generated ${mib(r.memory.generated)}; bare ${mib(r.memory.bare)}`);
  console.log(
    `  start to first 200:                       generated /health/ready ${r.startMs.generated.toFixed(0)} ms; bare /health ${r.startMs.bare.toFixed(0)} ms`,
  );
  console.log(`  in-process GET /health (no HTTP server), best of 15 batches of 1000, µs per request:`);
  for (const [name, us] of Object.entries(ip.variants)) {
    const delta =
      name === 'bare'
        ? ''
        : name === 'generated'
          ? ` (+${(us - ip.bareUs).toFixed(0)} over bare)`
          : name.startsWith('bare')
            ? ` (+${(us - ip.bareUs).toFixed(0)} over bare)`
            : ` (${(us - ip.generatedUs).toFixed(0)} vs generated)`;
    console.log(`    ${name.padEnd(72)}${us.toFixed(0).padStart(5)}${delta}`);
  }
  console.log(`    pieces alone, µs: ${parts}`);
  console.log(
    `  in-process metrics_response():            ${ip.scrape.median_ms.toFixed(1)} ms median, ${ip.scrape.p99_ms.toFixed(1)} ms p99, ${ip.scrape.series} series from ${ip.scrape.files} files; prometheus_client's MultiProcessCollector + generate_latest on the same files ${(ip.scrape.collect_ms + ip.scrape.exposition_ms).toFixed(1)} ms (collect ${ip.scrape.collect_ms.toFixed(1)} + exposition ${ip.scrape.exposition_ms.toFixed(1)})`,
  );
  if (r.sweep) {
    console.log(
      `  /metrics cost by size (in-process, one writer): ${r.sweep.map((s) => `${s.routes} routes = ${s.series} series ${s.median_ms.toFixed(1)} ms`).join('; ')}`,
    );
  }
}

function loadavg(): string {
  return existsSync('/proc/loadavg') ? readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : '?';
}

function machine(py: Python): string {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? cpus()[0]?.model ?? '?';
  return `${cpus().length} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, Python ${py.version}, ${new Date().toISOString()}`;
}

async function main(): Promise<number> {
  const py = await preflight();
  mkdirSync(OUT, { recursive: true });
  console.log(`Service: ${machine(py)}`);
  console.log(
    `  wrk -t${LOAD.threads} -c${LOAD.connections} -d${SECONDS}s --latency on 127.0.0.1 (one scraper: -t1 -c1), ${ROUNDS} rounds, ${SELECTED.join(', ')}`,
  );
  const results: FrameworkResult[] = [];
  const failures: string[] = [];
  for (const framework of SELECTED) {
    try {
      const r = await benchFramework(framework, results.length === 0 && failures.length === 0);
      results.push(r);
      printFramework(r);
    } catch (err) {
      if (interrupted) break;
      failures.push(`${framework}: ${(err as Error).message}`);
      console.error(`\n${framework} FAILED: ${(err as Error).message}`);
    } finally {
      await cleanup();
    }
  }
  if (results.length > 1) {
    console.log(`\nSummary (req/s medians; ratios from pairs measured side by side)`);
    const cols = ['framework', 'health', 'bare', 'gen/bare', '(by CPU)', 'ready', 'ready nginx', 'nginx/direct', 'scrape p99', 'rest RSS', 'peak RSS'];
    const widths = [10, 8, 8, 10, 10, 8, 13, 14, 12, 14, 14];
    console.log(cols.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(''));
    for (const r of results) {
      const row = [
        r.framework,
        r.median.health.rps.toFixed(0),
        r.median.bare.rps.toFixed(0),
        pct(r.ratios.health),
        pct(r.ratios.healthCpu),
        r.median.ready.rps.toFixed(0),
        r.median.readyProxy.rps.toFixed(0),
        pct(r.ratios.readyProxy),
        `${r.median.scrape.p99ms.toFixed(1)} ms`,
        `${Math.max(...r.memory.rest.generated).toFixed(0)}/${Math.max(...r.memory.rest.bare).toFixed(0)} MiB`,
        `${Math.max(...r.memory.generated).toFixed(0)}/${Math.max(...r.memory.bare).toFixed(0)} MiB`,
      ];
      console.log(row.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(''));
    }
  }
  writeFileSync(
    join(OUT, 'service.json'),
    `${JSON.stringify({ machine: machine(py), rounds: ROUNDS, load: LOAD, scrape: SCRAPE, results, failures }, null, 2)}\n`,
  );
  console.log(`\nraw figures: .tmp/bench/service.json; logs: .tmp/bench/logs/`);
  if (failures.length) {
    console.error(`\n${failures.length} framework(s) failed:\n${failures.join('\n')}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main()
    .then((code) => process.exit(code))
    .catch(async (err) => {
      await cleanup();
      console.error(err instanceof Fatal ? err.message : err);
      process.exit(1);
    });
}
