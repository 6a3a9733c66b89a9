// The generated reverse proxy in front of the app, inside the live sandbox, started by its component's kit
// (`src/components/<proxy>/verify.ts`) the way its container runs; then requests through it.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kitOf } from '../../verify/kits.js';
import { sleep, tail, waitFor } from './proc.js';
import type { HttpResult, Sandbox, SandboxProcess } from './sandbox.js';

export type ProxyMode = 'dev' | 'prod';

export interface RunningProxy {
  kind: string;
  mode: ProxyMode;
  process: SandboxProcess;
  log: string;
  notes: string[];
  stop(): Promise<void>;
}

/** The modes the live tier runs a proxy in: development always, production on stacks with every check. */
export function proxyModes(kind: string, everyCheck: boolean): ProxyMode[] {
  const live = kitOf(kind).liveProxy;
  if (!live) throw new Error(`${kind} has no live kit (src/components/${kind}/verify.ts: liveProxy)`);
  return live.modes.filter((m) => m === 'dev' || everyCheck);
}

export async function startProxy(sandbox: Sandbox, projectDir: string, kind: string, mode: ProxyMode, logDir: string): Promise<RunningProxy> {
  const log = join(logDir, `${kind}-${mode}.log`);
  const launched = await kitOf(kind).liveProxy!.launch(sandbox, projectDir, mode, log);
  const p = launched.process;
  const stopIt = async () => {
    await sandbox.stopProcess(p, 'SIGTERM', 10_000);
    launched.cleanup();
  };
  try {
    await waitFor(`${kind} to answer ${launched.healthPath}`, 15_000, async () => {
      if (!p.running()) throw new Error(`${kind} exited ${await p.exited}`);
      const r = await sandbox.request(80, { path: launched.healthPath, timeoutMs: 2000 }).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    });
  } catch (err) {
    await stopIt();
    throw new Error(`${(err as Error).message}\n--- ${kind} log\n${tail(log, 30)}`);
  }
  return { kind, mode, process: p, log, notes: launched.notes, stop: stopIt };
}

function header(r: HttpResult, name: string): string | undefined {
  const v = r.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * The public face of the stack, through the proxy: /health 200; /health/ready and /metrics not served;
 * X-Request-ID passes through to the app (its log has it) and back; an unsafe one is replaced.
 * Production nginx: port 80 redirects to HTTPS, HTTPS serves with HSTS. Returns a summary; throws on problems.
 */
export async function proxyChecks(sandbox: Sandbox, proxy: RunningProxy, appLog: string): Promise<string> {
  const problems: string[] = [];
  const seen: string[] = [];
  const tls = proxy.mode === 'prod';
  const port = tls ? 443 : 80;
  const get = (path: string, headers: Record<string, string> = {}) => sandbox.request(port, { path, headers, tls, timeoutMs: 10_000 });

  if (tls) {
    const plain = await sandbox.request(80, { path: '/health' });
    if (plain.status !== 301 && plain.status !== 308) problems.push(`http://…/health answered ${plain.status}, expected a redirect to HTTPS`);
    else if (!/^https:\/\/[^/]+\/health$/.test(header(plain, 'location') ?? '')) problems.push(`http://…/health redirects to ${header(plain, 'location')}`);
    else seen.push(`:80 → ${plain.status} ${header(plain, 'location')}`);
  }

  const rid = `e2e-${randomBytes(6).toString('hex')}`;
  const health = await get('/health', { 'X-Request-ID': rid });
  if (health.status !== 200) problems.push(`GET /health answered ${health.status}: ${health.body.slice(0, 200)}`);
  else if (!/"status"\s*:\s*"ok"/.test(health.body)) problems.push(`GET /health body: ${health.body.slice(0, 200)}`);
  else seen.push('/health 200');
  if (header(health, 'x-request-id') !== rid) problems.push(`X-Request-ID sent ${rid}, got back ${header(health, 'x-request-id')}`);
  if (tls && !header(health, 'strict-transport-security')) problems.push('no Strict-Transport-Security header over HTTPS');

  for (const path of ['/health/ready', '/metrics']) {
    const r = await get(path);
    const leaked = r.status === 200 || /"checks"/.test(r.body) || /^# (HELP|TYPE) /m.test(r.body);
    if (leaked) problems.push(`GET ${path} is public: ${r.status} ${r.body.slice(0, 120)}`);
    else seen.push(`${path} ${r.status}`);
  }

  // The id reaches the app: a request the app logs (an unknown path, 404) carries it into the app's log.
  const rid2 = `e2e-${randomBytes(6).toString('hex')}`;
  const missing = await get(`/e2e-through-${proxy.kind}-${randomBytes(3).toString('hex')}`, { 'X-Request-ID': rid2 });
  if (header(missing, 'x-request-id') !== rid2) problems.push(`X-Request-ID on a 404: sent ${rid2}, got ${header(missing, 'x-request-id')}`);
  let inLog = false;
  for (let i = 0; i < 20 && !inLog; i++) {
    inLog = existsSync(appLog) && readFileSync(appLog, 'utf8').includes(rid2);
    if (!inLog) await sleep(100);
  }
  if (!inLog) problems.push(`the app's log never showed request id ${rid2} sent through ${proxy.kind} (status ${missing.status})`);
  else seen.push('X-Request-ID reaches the app and comes back');

  const unsafe = 'x'.repeat(200);
  const replaced = await get('/health', { 'X-Request-ID': unsafe });
  const back = header(replaced, 'x-request-id');
  if (!back || back === unsafe) problems.push(`an unsafe X-Request-ID (200 chars) came back ${back ? 'unchanged' : 'missing'}`);

  if (problems.length) throw new Error(`${problems.join('\n')}\n--- ${proxy.kind} log\n${tail(proxy.log, 15)}`);
  return seen.join('; ');
}
