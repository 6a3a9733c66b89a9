// The generated app's /metrics stays true under gunicorn with two workers, as the production image runs it
// (the Dockerfile's CMD and gunicorn.conf.py): the request counts and histogram counts summed over the workers
// equal the requests sent, also after a worker is SIGKILLed and replaced (counters never go back), its
// in-flight gauge is dropped, and 10,000 random paths add no series (they share the `<unmatched>` route).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answersFor, renderProject, writeProject } from '../support/generate.js';
import { imageEnv, readImage } from '../support/live/app.js';
import { childrenOf, freePort, start, stop, tail, waitFor } from '../support/live/proc.js';
import { venvFor } from '../support/live/venv.js';

const FRAMEWORKS = ['fastapi', 'flask', 'django'] as const;
const WORKERS = 2;

/** Every sample line of an exposition, by its name and labels. */
function samples(body: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** One GET on a new connection (closed after), so the workers share the requests as they share accepts. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Sends `paths` with `concurrency` requests in flight at once; returns how many answered each status. */
async function send(port: number, paths: string[], concurrency: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < paths.length) {
        const r = await get(port, paths[next++]!);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

for (const framework of FRAMEWORKS) {
  test(`${framework}: /metrics under ${WORKERS} gunicorn workers counts every request, survives a killed worker, bounds series`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'pydocker-metrics-'));
    const dir = join(root, 'svc');
    writeProject(
      dir,
      renderProject(answersFor('svc', { framework, database: 'none', cache: 'none', proxy: 'none', observability: ['prometheus'], extras: [] })),
    );
    const venv = await venvFor(dir, 'runtime');
    const image = readImage(dir);
    const port = await freePort();
    const multiproc = join(root, 'prometheus');
    mkdirSync(multiproc);
    const env = imageEnv(image, venv, root, {
      APP_ENV: 'production',
      LOG_LEVEL: 'warning',
      WEB_CONCURRENCY: String(WORKERS),
      PORT: String(port),
      PROMETHEUS_MULTIPROC_DIR: multiproc,
      SECRET_KEY: randomBytes(24).toString('hex'),
      ALLOWED_HOSTS: 'localhost,127.0.0.1',
    });
    const log = join(root, 'gunicorn.log');
    const server = start(image.cmd[0]!, image.cmd.slice(1), { cwd: dir, env, log, group: true });
    const workers = async (except: number[] = []) =>
      waitFor(`${WORKERS} workers`, 30_000, async () => {
        const pids = childrenOf(server.pid);
        return pids.length === WORKERS && !pids.some((p) => except.includes(p)) ? pids : undefined;
      });
    const scrape = async () => samples((await get(port, '/metrics')).body);
    const health = (m: Map<string, number>) => ({
      requests: m.get('http_requests_total{method="GET",route="/health",status="200"}') ?? 0,
      observed: m.get('http_request_duration_seconds_count{method="GET",route="/health"}') ?? 0,
    });
    try {
      await waitFor(
        '/health',
        60_000,
        async () => {
          if (!server.running()) throw new Error(`gunicorn exited:\n${tail(log, 30)}`);
          return (await get(port, '/health').catch(() => undefined))?.status === 200 ? true : undefined;
        },
        100,
      );
      const first = await workers();
      await send(port, ['/no-such-page'], 1); // the <unmatched> series exist before the scan below

      // 1. Counts across workers: exactly the requests sent, in the counter and in the histogram.
      const before = health(await scrape());
      const sent = 600;
      const got = await send(port, Array(sent).fill('/health'), 24);
      assert.equal([...got], [[200, sent]]);
      const pidsWithFiles = new Set(readdirSync(multiproc).map((f) => /_(\d+)\.db$/.exec(f)?.[1]));
      assert.ok(
        first.every((p) => pidsWithFiles.has(String(p))),
        `both workers served: files ${[...pidsWithFiles].join(', ')} of workers ${first.join(', ')}`,
      );
      const after = health(await scrape());
      assert.equal(after.requests - before.requests, sent);
      assert.equal(after.observed - before.observed, sent);

      // 2. 10,000 random paths: one bucket, no new series.
      const known = await scrape();
      const unmatched = [...known.keys()].find((k) => k.startsWith('http_requests_total{') && k.includes('route="<unmatched>"') && k.includes('status="404"'));
      assert.ok(unmatched, `no <unmatched> 404 series in ${[...known.keys()].join('\n')}`);
      const random = Array.from({ length: 10_000 }, () => `/${randomBytes(6).toString('hex')}/${randomBytes(4).toString('hex')}`);
      const scanned = await send(port, random, 32);
      assert.equal(scanned.get(404), random.length);
      const afterScan = await scrape();
      const added = [...afterScan.keys()].filter((k) => !known.has(k));
      assert.equal(added, [], 'series added by the scan');
      assert.equal(afterScan.get(unmatched)! - known.get(unmatched)!, random.length);

      // 3. A worker killed: its counts stay, its in-flight gauge goes, the new worker adds on top.
      const victim = first[0]!;
      const lastBefore = health(afterScan);
      process.kill(victim, 'SIGKILL');
      await workers([victim]);
      const afterKill = health(await scrape());
      assert.equal(afterKill, lastBefore, 'counts after the kill');
      const more = 300;
      await send(port, Array(more).fill('/health'), 24);
      const end = await scrape();
      assert.equal(health(end).requests - afterKill.requests, more);
      assert.equal(health(end).observed - afterKill.observed, more);
      const inFlight = [...end].filter(([k]) => k.startsWith('http_requests_in_progress{') && k.includes('route="/health"'));
      assert.equal(
        inFlight.map(([, v]) => v),
        [0],
        'in-flight /health after the load',
      );
    } finally {
      await stop(server, { graceMs: 30_000 });
      rmSync(root, { recursive: true, force: true });
    }
  });
}

test.run();
