// Runs the generated proxy for real and sends it requests: inside `unshare --mount --net --pid --fork
// --kill-child` (nothing reaches the network; every process ends with the namespace, even on a timeout),
// with a stub app (stub-upstream.mjs) listening where `web` would, nginx set up as in nginxTest or Caddy with its storage in a scratch folder
// (production Caddy gets `local_certs` so it can serve HTTPS without ACME). The answers prove what the
// configuration promises: the healthcheck URL compose uses answers 200, /metrics and /health/ready are not
// served, request ids pass through or are made, security headers are set once, HTTP goes to HTTPS, old TLS
// is refused, responses are compressed, and nginx rate-limits.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caddyValidate, CADDYFILE_IN_IMAGE, proxyEnvironment } from './caddy.js';
import { type CheckResult, type Mode, bindMounts, composeService, formatOutput, hostPathOf, readCompose, requireTool, run, scratch } from './common.js';
import { prepareNginxNamespace } from './nginx.js';

const STUB = fileURLToPath(new URL('./stub-upstream.mjs', import.meta.url));
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface ProbeResponse {
  code: number;
  httpVersion: string;
  headers: Record<string, string[]>;
  body: string;
  /** What the stub app received, when the request reached it. */
  upstream?: { url: string; headers: Record<string, string>; remote: string };
}

interface Req {
  name: string;
  url: string;
  args?: string[];
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function parseHeaders(text: string): Record<string, string[]> {
  // The last block is the final response (curl writes one block per response, e.g. after 100-continue).
  const blocks = text.split(/\r?\n\r?\n/).filter((b) => b.trim());
  const out: Record<string, string[]> = {};
  for (const line of (blocks.at(-1) ?? '').split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    out[name] = [...(out[name] ?? []), line.slice(i + 1).trim()];
  }
  return out;
}

export function proxyProbe(projectDir: string, mode: Mode, port: number): CheckResult & { responses: Record<string, ProbeResponse> } {
  const curl = requireTool('curl');
  const openssl = requireTool('openssl');
  const compose = readCompose(projectDir, mode);
  const proxy = composeService(compose, 'proxy', mode);
  const image = String(proxy.image);
  const kind = image.startsWith('nginx') ? 'nginx' : image.startsWith('caddy') ? 'caddy' : undefined;
  if (!kind) throw new Error(`proxy image ${image}: neither nginx nor caddy`);
  const hc = ((proxy.healthcheck as { test?: string[] } | undefined)?.test ?? []).find((t) => /^https?:\/\//.test(t));
  if (!hc) throw new Error('the proxy has no healthcheck URL');
  const problems: string[] = [];
  const env = proxyEnvironment(projectDir, mode, proxy, problems);

  let setup: string[];
  let start: string;
  let cleanup = () => {};
  let host = 'localhost';
  const s = scratch('probe');
  const T = s.dir;
  try {
    if (kind === 'nginx') {
      const ns = prepareNginxNamespace(projectDir, mode);
      cleanup = ns.done;
      setup = ns.setup;
      start = 'nginx';
    } else {
      const valid = caddyValidate(projectDir, mode);
      if (!valid.ok) return { ...valid, responses: {} };
      const caddy = requireTool('caddy');
      const source = hostPathOf(bindMounts(projectDir, proxy), CADDYFILE_IN_IMAGE)!;
      let text = readFileSync(source, 'utf8');
      if (mode === 'prod') {
        // HTTPS without ACME: Caddy's own CA, not installed into this machine's trust store.
        text = text.replace(/^\{\s*$/m, '{\n\tlocal_certs\n\tskip_install_trust');
        host = env.DOMAIN || 'localhost';
      }
      const file = join(T, 'Caddyfile');
      writeFileSync(file, text);
      for (const d of ['home', 'data', 'config']) mkdirSync(join(T, d));
      writeFileSync(join(T, 'hosts'), `127.0.0.1\tlocalhost ${host} ${Object.keys(compose.services).join(' ')}\n`);
      const exports = { HOME: join(T, 'home'), XDG_DATA_HOME: join(T, 'data'), XDG_CONFIG_HOME: join(T, 'config'), ...env };
      setup = ['ip link set lo up', `mount --bind ${q(join(T, 'hosts'))} /etc/hosts`, ...Object.entries(exports).map(([k, v]) => `export ${k}=${q(v)}`)];
      start = `${q(caddy)} start --config ${q(file)} --adapter caddyfile >${q(join(T, 'caddy.log'))} 2>&1`;
    }

    const https = mode === 'prod';
    const base = `${https ? 'https' : 'http'}://${host}`;
    const reqs: Req[] = [
      { name: 'healthcheck', url: hc },
      { name: 'app', url: `${base}/items?x=1`, args: ['-H', 'X-Request-ID: probe-123'] },
      { name: 'badid', url: `${base}/items`, args: ['-H', 'X-Request-ID: bad id "<x>'] },
      { name: 'noid', url: `${base}/items` },
      { name: 'health', url: `${base}/health` },
      { name: 'metrics', url: `${base}/metrics` },
      { name: 'metrics_slash', url: `${base}/metrics/` },
      { name: 'metrics_double_slash', url: `${base}//metrics` },
      { name: 'metrics_encoded', url: `${base}/%6detrics` },
      { name: 'ready', url: `${base}/health/ready` },
      { name: 'ready_slash', url: `${base}/health/ready/` },
      { name: 'gzip', url: `${base}/large`, args: ['-H', 'Accept-Encoding: gzip'] },
    ];
    if (https) {
      reqs.push({ name: 'redirect', url: `http://${host}/items?x=1` }, { name: 'h2', url: `${base}/items`, args: ['--http2'] });
      if (kind === 'nginx') reqs.push({ name: 'acme', url: `http://${host}/.well-known/acme-challenge/missing-token` });
    }

    const dir = join(T, 'r');
    mkdirSync(dir);
    const curlLine = (r: Req) =>
      `${q(curl)} -s -k --path-as-is --max-time 10 -D ${q(join(dir, `${r.name}.h`))} -o ${q(join(dir, `${r.name}.b`))} -w '%{http_code} %{http_version}' ${(r.args ?? []).map(q).join(' ')} ${q(r.url)} >${q(join(dir, `${r.name}.c`))}`;
    const waitFor = (url: string) =>
      `i=0; until ${q(curl)} -s -k -o /dev/null --max-time 1 ${q(url)}; do i=$((i+1)); [ $i -lt 50 ] || { echo "timed out waiting for ${url}"; break; }; sleep 0.1; done`;
    const script = [
      'set -e',
      ...setup,
      `${q(process.execPath)} ${q(STUB)} ${port} >${q(join(T, 'stub.log'))} 2>&1 &`,
      start,
      'set +e',
      waitFor(`http://127.0.0.1:${port}/`),
      waitFor(`${base}/items`),
      ...reqs.map(curlLine),
      ...(https
        ? [
            `${q(openssl)} s_client -connect 127.0.0.1:443 -servername ${q(host)} -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >${q(join(dir, 'tls11.out'))} 2>&1; echo $? >${q(join(dir, 'tls11.code'))}`,
            `${q(openssl)} s_client -connect 127.0.0.1:443 -servername ${q(host)} -tls1_2 </dev/null >${q(join(dir, 'tls12.out'))} 2>&1; echo $? >${q(join(dir, 'tls12.code'))}`,
          ]
        : []),
      // Rate limit: 80 requests at once from a client address of its own (127.0.0.2, so the requests above do
      // not count); nginx serves the burst (40 + 1) and a few refilled at 20/s, then answers 429.
      kind === 'nginx'
        ? `${q(curl)} -s -k --interface 127.0.0.2 -w '%{http_code}\\n' ${Array(80)
            .fill(`-o /dev/null ${q(`${base}/items`)}`)
            .join(' ')} >${q(join(dir, 'burst.codes'))}`
        : 'true',
      kind === 'nginx' ? 'nginx -s quit' : `${q(requireTool('caddy'))} stop >/dev/null 2>&1`,
    ].join('\n');
    const started = performance.now();
    const r = run(
      requireTool('unshare'),
      ['--mount', '--net', '--pid', '--mount-proc', '--propagation', 'private', '--fork', '--kill-child', 'sh', '-c', script],
      { timeoutMs: 60_000 },
    );
    const ms = Math.round(performance.now() - started);

    const responses: Record<string, ProbeResponse> = {};
    for (const req of reqs) {
      const codeFile = join(dir, `${req.name}.c`);
      if (!existsSync(codeFile)) {
        problems.push(`${req.name}: no response recorded`);
        continue;
      }
      const [code, httpVersion] = readFileSync(codeFile, 'utf8').trim().split(' ');
      const body = existsSync(join(dir, `${req.name}.b`)) ? readFileSync(join(dir, `${req.name}.b`), 'latin1') : '';
      let upstream: ProbeResponse['upstream'];
      try {
        const echo = JSON.parse(body.trim()) as ProbeResponse['upstream'];
        if (echo && typeof echo === 'object' && 'headers' in echo) upstream = echo;
      } catch {
        // not from the stub
      }
      responses[req.name] = {
        code: Number(code),
        httpVersion: httpVersion ?? '',
        headers: parseHeaders(existsSync(join(dir, `${req.name}.h`)) ? readFileSync(join(dir, `${req.name}.h`), 'utf8') : ''),
        body,
        ...(upstream ? { upstream } : {}),
      };
    }

    // ---- what every generated proxy must do
    const expect = (cond: boolean, what: string) => {
      if (!cond) problems.push(what);
    };
    const one = (res: ProbeResponse | undefined, header: string) => (res?.headers[header]?.length === 1 ? res.headers[header]![0]! : undefined);
    const hc200 = responses.healthcheck;
    expect(hc200?.code === 200, `healthcheck ${hc} answered ${hc200?.code}, not 200`);
    expect(!hc200?.upstream, 'the healthcheck must be answered by the proxy itself');
    const app = responses.app;
    expect(app?.code === 200 && !!app.upstream, `${base}/items was not proxied to the app (${app?.code})`);
    if (app?.upstream) {
      const up = app.upstream.headers;
      expect(up['x-request-id'] === 'probe-123', `the app got X-Request-ID ${up['x-request-id']}, not the client's probe-123`);
      expect(up['x-forwarded-proto'] === (https ? 'https' : 'http'), `the app got X-Forwarded-Proto ${up['x-forwarded-proto']}`);
      expect(up['x-forwarded-for'] === '127.0.0.1', `the app got X-Forwarded-For ${up['x-forwarded-for']}`);
      expect(up.host === host, `the app got Host ${up.host}, not ${host}`);
      expect(up['x-forwarded-host'] === host, `the app got X-Forwarded-Host ${up['x-forwarded-host']}`);
      expect(one(app, 'x-request-id') === 'probe-123', `response X-Request-ID: ${app.headers['x-request-id']?.join(' | ')}`);
      expect(one(app, 'x-frame-options') === 'DENY', `response X-Frame-Options (once, DENY): ${app.headers['x-frame-options']?.join(' | ')}`);
      expect(one(app, 'x-content-type-options') === 'nosniff', 'response X-Content-Type-Options: nosniff missing');
      expect(!!one(app, 'referrer-policy'), 'response Referrer-Policy missing');
      expect((one(app, 'content-security-policy') ?? '').includes("frame-ancestors 'none'"), 'response CSP frame-ancestors missing');
      expect(!/\d/.test(app.headers.server?.join('') ?? ''), `Server header reveals a version: ${app.headers.server}`);
      expect(https === !!one(app, 'strict-transport-security'), https ? 'HSTS missing over HTTPS' : 'HSTS sent over plain HTTP');
    }
    for (const name of ['badid', 'noid']) {
      const res = responses[name];
      const id = res?.upstream?.headers['x-request-id'];
      expect(!!id && REQUEST_ID.test(id) && id !== 'bad id "<x>', `${name}: the app got X-Request-ID ${JSON.stringify(id)}, expected a fresh id`);
      expect(!!id && one(res, 'x-request-id') === id, `${name}: response X-Request-ID ${res?.headers['x-request-id']} is not the id the app got (${id})`);
    }
    expect(responses.health?.code === 200 && !!responses.health.upstream, '/health is public and proxied to the app');
    for (const name of ['metrics', 'metrics_slash', 'metrics_double_slash', 'metrics_encoded', 'ready', 'ready_slash']) {
      const res = responses[name];
      expect(
        res?.code === 404 && !res.upstream,
        `${name}: ${reqs.find((x) => x.name === name)?.url} answered ${res?.code}${res?.upstream ? ' from the app' : ''}; must be 404 from the proxy`,
      );
    }
    expect(
      one(responses.gzip, 'content-encoding') === 'gzip',
      `no gzip for a large JSON response (Content-Encoding: ${responses.gzip?.headers['content-encoding']})`,
    );
    if (https) {
      const red = responses.redirect;
      expect(
        [301, 308].includes(red?.code ?? 0) && (one(red, 'location') ?? '').startsWith(`https://${host}/items?x=1`),
        `HTTP did not redirect to HTTPS (${red?.code} ${red?.headers.location})`,
      );
      expect(responses.h2?.httpVersion === '2', `HTTP/2 not negotiated (got ${responses.h2?.httpVersion})`);
      if (kind === 'nginx')
        expect(responses.acme?.code === 404 && !responses.acme.headers.location, `ACME challenge path was redirected or served (${responses.acme?.code})`);
      const code = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').trim() : 'missing');
      expect(code('tls11.code') !== '0', 'TLS 1.1 handshake succeeded');
      expect(
        code('tls12.code') === '0',
        `TLS 1.2 handshake failed: ${existsSync(join(dir, 'tls12.out')) ? readFileSync(join(dir, 'tls12.out'), 'utf8').slice(-400) : ''}`,
      );
    }
    let burst = '';
    if (kind === 'nginx') {
      const codes = existsSync(join(dir, 'burst.codes')) ? readFileSync(join(dir, 'burst.codes'), 'utf8').trim().split('\n') : [];
      const limited = codes.filter((c) => c === '429').length;
      burst = `burst of ${codes.length}: ${codes.length - limited} served, ${limited} answered 429`;
      const served = codes.filter((c) => c === '200').length;
      expect(codes.length === 80 && limited > 0 && served >= 41 && served <= 60, `rate limit (expected 41-60 served, the rest 429): ${burst}`);
    }

    const summary = Object.entries(responses)
      .map(([n, res]) => `${n}: ${res.code}${res.upstream ? ' (app)' : ''}`)
      .join(', ');
    const logs = ['stub.log', 'caddy.log']
      .map((f) => join(T, f))
      .filter(existsSync)
      .map((f) => readFileSync(f, 'utf8').trim())
      .filter(Boolean);
    return {
      ok: problems.length === 0,
      responses,
      output: formatOutput([
        [`${kind} ${mode} probe in ${ms} ms`, `${summary}${burst ? `\n${burst}` : ''}${r.output ? `\n${r.output}` : ''}`],
        ...(problems.length ? [['problems', problems.join('\n')] as [string, string], ['logs', logs.join('\n').slice(-3000)] as [string, string]] : []),
      ]),
    };
  } finally {
    cleanup();
    s.done();
  }
}
