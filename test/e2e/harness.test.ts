// The live tier's own pieces, tested on their own (no generated project): the pausable forwarder, process
// control, and the namespace sandbox with its relays.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { confinementProblems } from '../support/live/app.js';
import { Forwarder } from '../support/live/forwarder.js';
import { RUN_DIR } from '../support/live/paths.js';
import { freePort, isAlive, runCommand, sleep, start, stop } from '../support/live/proc.js';
import { Sandbox } from '../support/live/sandbox.js';
import { dockerCommand, parseDockerfile } from '../support/live/dockerfile.js';
import { coveringSet, uncoveredPairs, type Factors } from '../support/live/combos.js';

const logDir = join(RUN_DIR, 'harness');
mkdirSync(logDir, { recursive: true });

/** An echo server on 127.0.0.1 (what a real database would be to the forwarder). */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, port };
}

/** Sends `text` over a new connection to `where` and returns what comes back, or the error code. */
function roundTrip(where: { port: number } | { path: string }, text: string, ms = 1500): Promise<string> {
  return new Promise((resolve) => {
    const s = 'path' in where ? connect(where.path) : connect(where.port, '127.0.0.1');
    let got = '';
    const t = setTimeout(() => {
      s.destroy();
      resolve(got ? got : 'TIMEOUT');
    }, ms);
    s.on('connect', () => s.write(text));
    s.on('data', (d) => {
      got += d.toString();
      if (got.length >= text.length) {
        clearTimeout(t);
        s.end();
        resolve(got);
      }
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(err.code ?? err.message);
    });
    s.on('close', () => {
      clearTimeout(t);
      resolve(got || 'CLOSED');
    });
  });
}

test('forwarder: forwards, refuses while paused (open connections cut), forwards again on the same port', async () => {
  const { server, port } = await echoServer();
  const fw = await new Forwarder('echo', { port: 0 }, { host: '127.0.0.1', port }).start();
  try {
    assert.is(await roundTrip({ port: fw.port }, 'hello'), 'hello');
    const held = connect(fw.port, '127.0.0.1');
    await new Promise((r) => held.once('connect', r));
    const heldClosed = new Promise((r) => held.once('close', r));
    held.on('error', () => {});
    const boundPort = fw.port;
    await fw.pause('refuse');
    await heldClosed; // the open connection was cut
    assert.is(await roundTrip({ port: boundPort }, 'x'), 'ECONNREFUSED');
    await fw.resume();
    assert.is(fw.port, boundPort);
    assert.is(await roundTrip({ port: fw.port }, 'again'), 'again');
  } finally {
    await fw.close();
    server.close();
  }
});

test('forwarder: blackhole accepts but never answers; resume recovers', async () => {
  const { server, port } = await echoServer();
  const fw = await new Forwarder('echo', { port: 0 }, { host: '127.0.0.1', port }).start();
  try {
    await fw.pause('blackhole');
    assert.is(await roundTrip({ port: fw.port }, 'lost', 600), 'TIMEOUT');
    await fw.resume();
    assert.is(await roundTrip({ port: fw.port }, 'back'), 'back');
  } finally {
    await fw.close();
    server.close();
  }
});

test('forwarder: on a Unix socket', async () => {
  const { server, port } = await echoServer();
  const path = join(logDir, 'fw.sock');
  const fw = await new Forwarder('echo', { path }, { host: '127.0.0.1', port }).start();
  try {
    assert.is(await roundTrip({ path }, 'unix'), 'unix');
    await fw.pause();
    assert.ok(['ENOENT', 'ECONNREFUSED'].includes(await roundTrip({ path }, 'x')));
    await fw.resume();
    assert.is(await roundTrip({ path }, 'unix2'), 'unix2');
  } finally {
    await fw.close();
    server.close();
  }
});

test('process control: stop sends SIGTERM, escalates to SIGKILL after the grace period', async () => {
  const log = join(logDir, 'proc.log');
  const polite = start('sh', ['-c', 'trap "exit 0" TERM; while :; do sleep 0.05; done'], { log });
  await sleep(200);
  const a = await stop(polite, { graceMs: 3000 });
  assert.ok(a.graceful);
  assert.is(a.code, 0);
  const stubborn = start('sh', ['-c', 'trap "" TERM; while :; do sleep 0.05; done'], { log });
  await sleep(200);
  const b = await stop(stubborn, { graceMs: 300 });
  assert.not.ok(b.graceful);
  assert.not.ok(isAlive(stubborn.pid));
  const r = await runCommand('sh', ['-c', 'echo out; echo err >&2; exit 3']);
  assert.is(r.code, 3);
  assert.match(r.output, /out/);
  assert.match(r.output, /err/);
  const slow = await runCommand('sleep', ['5'], { timeoutMs: 300 });
  assert.ok(slow.timedOut);
});

test('the confinement check names what an unconfined process has (this test runner: root, capabilities, no no_new_privs)', () => {
  const problems = confinementProblems(process.pid, 10001, ['/']).join('\n');
  if (process.getuid?.() === 0) {
    assert.match(problems, /runs as UIDs 0/);
    assert.match(problems, /CapBnd is [0-9a-f]+, not empty/);
  }
  assert.match(problems, /no_new_privs is not set|\/ is not mounted read-only/);
});

test('sandbox: names resolve to loopback, ports inside are reachable, dependencies go through pausable forwarders, nothing survives', async () => {
  const { server, port } = await echoServer();
  const sb = await Sandbox.create({
    name: 'harness',
    hostNames: ['web', 'db', 'otel-collector'],
    inboundPorts: [8000],
    dependencies: [{ service: 'db', port: 5432, target: { host: '127.0.0.1', port } }],
    otlpPort: 4318,
    logDir,
  });
  try {
    const env = { PATH: process.env.PATH };
    const hosts = await sb.run(['getent', 'hosts', 'db'], { env, cwd: '/' });
    assert.match(hosts.output, /^127\.0\.0\.1\s+.*\bdb\b/m);
    // Inside, nothing of this machine's network is visible: only loopback.
    const links = await sb.run(['ip', '-o', 'link'], { env, cwd: '/' });
    assert.equal(links.output.trim().split('\n').length, 1, links.output);
    // db:5432 inside reaches the echo server outside through the forwarder.
    const script = `const s=require('net').connect(5432,'db');s.on('connect',()=>s.write('ping'));s.on('data',d=>{console.log('got:'+d);process.exit(0)});s.on('error',e=>{console.log('err:'+e.code);process.exit(1)});s.on('close',()=>{console.log('closed');process.exit(2)})`;
    const through = await sb.run([process.execPath, '-e', script], { env, cwd: '/' });
    assert.match(through.output, /got:ping/);
    await sb.forwarders.get('db')!.pause();
    await sleep(200); // the agent closes the port once the forwarder's socket is gone
    const broken = await sb.run([process.execPath, '-e', script], { env, cwd: '/' });
    assert.match(broken.output, /err:ECONNREFUSED/);
    await sb.forwarders.get('db')!.resume();
    // The agent reopens the port once the forwarder's socket is back: on a loaded machine that takes a moment.
    let again = '';
    for (let i = 0; i < 20 && !/got:ping/.test(again); i++) {
      if (i > 0) await sleep(100);
      again = (await sb.run([process.execPath, '-e', script], { env, cwd: '/' })).output;
    }
    assert.match(again, /got:ping/);

    // A server inside on 8000, reached from here through the inbound socket; stopped by its own PID.
    const httpd = await sb.exec([process.execPath, '-e', `require('http').createServer((q,r)=>r.end('inside '+q.url)).listen(8000)`], {
      env,
      cwd: '/',
      log: join(logDir, 'httpd.log'),
    });
    const res = await (async () => {
      for (let i = 0; i < 50; i++) {
        try {
          return await sb.request(8000, { path: '/x' });
        } catch {
          await sleep(100);
        }
      }
      throw new Error('server inside never answered');
    })();
    assert.is(res.body, 'inside /x');
    assert.ok(httpd.innerPid !== httpd.pid);
    // The stand-in OTLP collector accepts exports.
    const otlp = await sb.run(
      [process.execPath, '-e', `fetch('http://otel-collector:4318/v1/traces',{method:'POST',body:'xyz'}).then(r=>console.log('status:'+r.status))`],
      { env, cwd: '/' },
    );
    assert.match(otlp.output, /status:200/);
    assert.ok(existsSync(sb.otlpLog));
    assert.match(readFileSync(sb.otlpLog, 'utf8'), /"path":"\/v1\/traces","bytes":3/);
    // A process left behind inside (a double fork) is found, and killed when the sandbox closes.
    await sb.run(['sh', '-c', 'sleep 60 >/dev/null 2>&1 &'], { env, cwd: '/' });
    await sleep(100);
    const strays = sb.strays();
    assert.ok(strays.length >= 2, `expected the server and the orphan, got ${strays.join(',')}`);
    const stopped = await sb.stopProcess(httpd, 'SIGTERM', 3000);
    assert.ok(stopped.graceful);
    await sb.close();
    await sleep(100);
    for (const pid of strays) assert.not.ok(isAlive(pid), `pid ${pid} survived the sandbox`);
  } finally {
    await sb.close();
    server.close();
  }
});

test('dockerfile: the final stage inherits CMD and ENV through FROM <stage>', () => {
  const df = parseDockerfile(`# syntax=docker/dockerfile:1
FROM python:3.13-slim AS base
ENV A=1 \\
    PATH="/opt/venv/bin:$PATH" \\
    PORT=8000
FROM base AS runtime
ENV B="two words"
ENTRYPOINT ["tini", "--"]
CMD ["gunicorn","app.main:app","--config","gunicorn.conf.py"]
FROM runtime AS debug
CMD ["sleep", "1"]
FROM runtime AS production
`);
  const c = dockerCommand(df);
  assert.equal(c.cmd, ['gunicorn', 'app.main:app', '--config', 'gunicorn.conf.py']);
  assert.equal(c.entrypoint, ['tini', '--']);
  assert.is(c.env.A, '1');
  assert.is(c.env.B, 'two words');
  assert.is(c.env.PORT, '8000');
  assert.is(c.stage, 'production');
});

test('covering set: every pair of values of every two factors appears', () => {
  const factors: Factors = { a: ['1', '2', '3'], b: ['x', 'y'], c: ['p', 'q', 'r', 's'], d: ['m', 'n'] };
  const rows = coveringSet(factors, [{ a: '1', b: 'x', c: 'p', d: 'm' }]);
  assert.equal(uncoveredPairs(factors, rows), []);
  assert.ok(rows.length <= 14, `expected a small set, got ${rows.length}`);
  assert.equal(rows[0], { a: '1', b: 'x', c: 'p', d: 'm' });
});

test.run();
