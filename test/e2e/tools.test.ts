// The proxy and observability configuration of generated projects, checked with the real tools (nginx -t,
// caddy validate, promtool) and run for real (the proxy in front of a stub app, in a namespace). Every check
// is also shown a deliberately broken project, which it must reject. A missing tool fails loudly
// (ToolMissingError), never skips: see test/support/tools/README.md for what to install.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import type { Answers } from '../../src/answers/options.js';
import {
  type CheckResult,
  ToolMissingError,
  caddyValidate,
  generateProject,
  grafanaCheck,
  nginxTest,
  otelCollectorCheck,
  promtoolCheck,
  proxyProbe,
  requireTool,
} from '../support/tools/index.js';

const made: string[] = [];
const projects = new Map<string, string>();

/** A generated project for these answers, made once per run. */
function project(overrides: Partial<Answers>): string {
  const key = JSON.stringify(overrides);
  let dir = projects.get(key);
  if (!dir) {
    dir = generateProject(overrides);
    made.push(dir);
    projects.set(key, dir);
  }
  return dir;
}

/** A copy of a generated project with `edit` applied: the broken fixtures. */
function broken(overrides: Partial<Answers>, edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'pydocker-broken-'));
  cpSync(project(overrides), dir, { recursive: true });
  made.push(dir);
  edit(dir);
  return dir;
}

const change = (dir: string, file: string, from: string | RegExp, to: string) => {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`fixture edit found nothing to change in ${file}: ${from}`);
  writeFileSync(path, next);
};

const editCompose = (dir: string, file: string, edit: (model: { services: Record<string, Record<string, unknown>> }) => void) => {
  const model = parse(readFileSync(join(dir, file), 'utf8'));
  edit(model);
  writeFileSync(join(dir, file), stringify(model));
};

const accepted = (r: CheckResult, what: string) => assert.ok(r.ok, `${what} was rejected:\n${r.output}`);
const rejected = (r: CheckResult, what: string, why: RegExp) => {
  assert.not.ok(r.ok, `${what} was accepted but must be rejected:\n${r.output}`);
  assert.match(r.output, why, `${what} was rejected for another reason:\n${r.output}`);
};

// The projects: both proxies, with and without the observability stack, default and custom ports.
const NGINX_FULL: Partial<Answers> = { proxy: 'nginx', observability: ['prometheus', 'grafana'] };
const NGINX_BARE: Partial<Answers> = { proxy: 'nginx', observability: [], framework: 'flask', port: 8080 };
const CADDY_FULL: Partial<Answers> = { proxy: 'caddy', observability: ['prometheus', 'grafana', 'otel'] };
const CADDY_BARE: Partial<Answers> = { proxy: 'caddy', observability: [], framework: 'django', database: 'sqlite', port: 9000 };
const NO_PROXY: Partial<Answers> = { proxy: 'none', observability: ['prometheus'] };

test.after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

test('every tool the checks need is installed (a missing one fails here, it is never skipped)', () => {
  for (const tool of ['nginx', 'caddy', 'promtool', 'openssl', 'unshare', 'ip', 'curl']) requireTool(tool);
  assert.throws(
    () => requireTool('no-such-tool-pydocker'),
    (err: unknown) => err instanceof ToolMissingError && /apt-get install/.test((err as Error).message),
  );
});

// ---- nginx
for (const [name, answers] of [
  ['nginx + prometheus/grafana', NGINX_FULL],
  ['nginx, flask, port 8080, no observability', NGINX_BARE],
] as const) {
  for (const mode of ['dev', 'prod'] as const) {
    test(`nginx -t accepts ${name} (${mode})`, () => {
      const r = nginxTest(project(answers), mode);
      accepted(r, `nginx ${mode}`);
      assert.match(r.output, /test is successful/);
    });
  }
}

test('nginx configs say what they must', () => {
  const dir = project(NGINX_BARE);
  const dev = readFileSync(join(dir, 'nginx/dev.conf'), 'utf8');
  const prod = readFileSync(join(dir, 'nginx/prod.conf'), 'utf8');
  for (const conf of [dev, prod]) {
    assert.match(conf, /server web:8080 resolve;/);
    assert.match(conf, /resolver 127\.0\.0\.11 /);
    assert.match(conf, /keepalive \d+;/);
    assert.match(conf, /limit_req zone=\S+ burst=\d+/);
    assert.match(conf, /server_tokens off;/);
    assert.match(conf, /location = \/nginx-health/);
    assert.match(conf, /location = \/metrics \{ return 404; \}/);
  }
  assert.not.match(dev, /Strict-Transport-Security|listen 443/);
  assert.match(prod, /listen 443 ssl/);
  assert.match(prod, /http2 on;/);
  assert.match(prod, /ssl_protocols TLSv1\.2 TLSv1\.3;/);
  assert.match(prod, /ssl_certificate \/etc\/nginx\/certs\/fullchain\.pem;/);
  assert.match(prod, /ssl_certificate_key \/etc\/nginx\/certs\/privkey\.pem;/);
  assert.match(prod, /return 301 https:\/\/\$host\$request_uri;/);
  assert.match(prod, /Strict-Transport-Security/);
});

test('nginx -t rejects an unknown directive', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'nginx/dev.conf', 'gzip_vary on;', 'gzip_varry on;'));
  rejected(nginxTest(dir, 'dev'), 'an unknown directive', /unknown directive "gzip_varry"/);
});

test('nginx -t rejects an upstream that is not a compose service', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'nginx/prod.conf', /server web:/, 'server api:'));
  rejected(nginxTest(dir, 'prod'), 'upstream api', /upstream server api:8000 \(nginx\/prod\.conf\) is not a compose service/);
});

test('nginx check rejects a config compose mounts where nginx does not load it', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'compose.yaml', '/etc/nginx/conf.d/default.conf', '/etc/nginx/default.conf'));
  rejected(nginxTest(dir, 'dev'), 'a config outside conf.d', /does not load it/);
});

test('nginx check rejects production without the certificate mount', () => {
  const dir = broken(NGINX_FULL, (d) =>
    editCompose(d, 'compose.prod.yaml', (m) => {
      m.services.proxy!.volumes = (m.services.proxy!.volumes as string[]).filter((v) => !v.includes('/etc/nginx/certs'));
    }),
  );
  assert.throws(() => nginxTest(dir, 'prod'), /certificate folder \/etc\/nginx\/certs is not mounted/);
});

// ---- Caddy
for (const [name, answers] of [
  ['caddy + prometheus/grafana/otel', CADDY_FULL],
  ['caddy, django, sqlite, port 9000, no observability', CADDY_BARE],
] as const) {
  for (const mode of ['dev', 'prod'] as const) {
    test(`caddy validate accepts ${name} (${mode})`, () => {
      const r = caddyValidate(project(answers), mode);
      accepted(r, `caddy ${mode}`);
      assert.match(r.output, /Valid configuration/);
      assert.match(r.output, new RegExp(`upstreams\\n(web:${answers.port ?? 8000})$`, 'm'));
    });
  }
}

test('Caddyfiles say what they must', () => {
  const dir = project(CADDY_FULL);
  const dev = readFileSync(join(dir, 'caddy/Caddyfile.dev'), 'utf8');
  const prod = readFileSync(join(dir, 'caddy/Caddyfile'), 'utf8');
  assert.match(dev, /^http:\/\/:80 \{/m);
  assert.match(prod, /^\{\$DOMAIN\} \{/m);
  assert.match(prod, /email \{\$ACME_EMAIL\}/);
  for (const f of [dev, prod]) {
    assert.match(f, /reverse_proxy web:8000/);
    assert.match(f, /encode zstd gzip/);
    assert.match(f, /handle \/caddy-health/);
  }
  assert.not.match(dev, /Strict-Transport-Security/);
  assert.match(prod, /Strict-Transport-Security/);
});

test('caddy validate rejects an unknown directive', () => {
  const dir = broken(CADDY_FULL, (d) => change(d, 'caddy/Caddyfile', 'encode zstd gzip', 'encoding zstd gzip'));
  rejected(caddyValidate(dir, 'prod'), 'an unknown directive', /unrecognized directive: encoding/);
});

test('caddy check rejects an upstream that is not a compose service', () => {
  const dir = broken(CADDY_FULL, (d) => change(d, 'caddy/Caddyfile.dev', 'reverse_proxy web:', 'reverse_proxy api:'));
  rejected(caddyValidate(dir, 'dev'), 'upstream api', /upstream api:8000 is not a compose service/);
});

test('caddy check rejects a Caddyfile compose does not mount where the image reads it', () => {
  const dir = broken(CADDY_FULL, (d) => change(d, 'compose.prod.yaml', ':/etc/caddy/Caddyfile:ro', ':/etc/caddy/Caddyfile.prod:ro'));
  rejected(caddyValidate(dir, 'prod'), 'a Caddyfile at another path', /does not mount a Caddyfile at \/etc\/caddy\/Caddyfile/);
});

// ---- the proxies, run for real in front of a stub app
for (const [name, answers] of [
  ['nginx', NGINX_FULL],
  ['nginx on port 8080', NGINX_BARE],
  ['caddy', CADDY_FULL],
] as const) {
  for (const mode of ['dev', 'prod'] as const) {
    test(`${name} (${mode}) behaves as configured in front of the app`, () => {
      const r = proxyProbe(project(answers), mode, answers.port ?? 8000);
      accepted(r, `${name} ${mode} probe`);
    });
  }
}

test('the probe rejects an nginx that serves /metrics', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'nginx/dev.conf', /\n\s*location = \/metrics \{ return 404; \}/, ''));
  rejected(proxyProbe(dir, 'dev', 8000), 'a public /metrics', /metrics: .*\/metrics answered 200 from the app/);
});

test('the probe rejects a Caddy without security headers', () => {
  const dir = broken(CADDY_FULL, (d) => change(d, 'caddy/Caddyfile.dev', /\t\tX-Frame-Options "DENY"\n/, ''));
  rejected(proxyProbe(dir, 'dev', 8000), 'no X-Frame-Options', /X-Frame-Options \(once, DENY\): SAMEORIGIN/);
});

// ---- Prometheus
for (const [name, answers] of [
  ['nginx + prometheus/grafana', NGINX_FULL],
  ['caddy + prometheus/grafana/otel', CADDY_FULL],
  ['no proxy + prometheus', NO_PROXY],
] as const) {
  test(`promtool accepts ${name}: config, rules and the alert unit tests`, () => {
    const r = promtoolCheck(project(answers));
    accepted(r, 'prometheus');
    assert.match(r.output, /SUCCESS: 3 rules found/);
    assert.match(r.output, /promtool test rules prometheus\/alerts_test\.yml[^\n]*\n(Unit Testing:\s+alerts_test\.yml\n)?\s*SUCCESS/);
  });
}

test('prometheus.yml scrapes the app on its port and itself, every 15 s', () => {
  const cfg = parse(readFileSync(join(project({ ...NO_PROXY, port: 8080 }), 'prometheus/prometheus.yml'), 'utf8'));
  assert.is(cfg.global.scrape_interval, '15s');
  assert.equal(cfg.rule_files, ['alerts.yml']);
  const targets = Object.fromEntries(
    cfg.scrape_configs.map((j: { job_name: string; static_configs: Array<{ targets: string[] }> }) => [j.job_name, j.static_configs[0]!.targets]),
  );
  assert.equal(targets.app, ['web:8080']);
  assert.equal(targets.prometheus, ['localhost:9090']);
});

test('alerts.yml has the three alerts, on the metrics the app exports', () => {
  const rules = parse(readFileSync(join(project(NGINX_FULL), 'prometheus/alerts.yml'), 'utf8')).groups.flatMap((g: { rules: unknown[] }) => g.rules);
  const byName = Object.fromEntries(rules.map((r: { alert: string }) => [r.alert, r]));
  assert.match(byName.AppDown.expr, /up\{job="app"\} == 0/);
  assert.is(byName.AppDown.for, '1m');
  assert.match(byName.AppHighErrorRate.expr, /http_requests_total\{job="app", status=~"5\.\."\}/);
  assert.match(byName.AppHighErrorRate.expr, /> 0\.05/);
  assert.is(byName.AppHighErrorRate.for, '5m');
  assert.match(byName.AppHighLatencyP95.expr, /histogram_quantile\(0\.95, .*http_request_duration_seconds_bucket/);
  assert.match(byName.AppHighLatencyP95.expr, /> 0\.5/);
  assert.is(byName.AppHighLatencyP95.for, '10m');
});

test('promtool rejects a rule with broken PromQL', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'prometheus/alerts.yml', 'up{job="app"} == 0', 'up{job="app" == 0'));
  rejected(promtoolCheck(dir), 'broken PromQL', /check rules prometheus\/alerts\.yml exited|check config exited/);
});

test('promtool rejects an unknown config field', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'prometheus/prometheus.yml', 'scrape_interval: 15s', 'scrape_intervall: 15s'));
  rejected(promtoolCheck(dir), 'scrape_intervall', /field scrape_intervall not found/);
});

test('the alert unit tests fail when an alert threshold is wrong', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'prometheus/alerts.yml', /> 0\.05/, '> 0.5'));
  rejected(promtoolCheck(dir), 'a 50% error threshold', /promtool test rules alerts_test\.yml exited/);
});

test('prometheus check rejects a scrape target that is not a compose service', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'prometheus/prometheus.yml', '"web:8000"', '"app:8000"'));
  rejected(promtoolCheck(dir), 'target app:8000', /scrapes app:8000, but app is not a service/);
});

// ---- Grafana
const APP_METRICS = ['http_requests_total', 'http_request_duration_seconds_bucket', 'http_requests_in_progress', 'http_request_errors_total', 'up'];

for (const [name, answers] of [
  ['nginx + prometheus/grafana', NGINX_FULL],
  ['caddy + prometheus/grafana/otel', CADDY_FULL],
] as const) {
  for (const mode of ['dev', 'prod'] as const) {
    test(`grafana provisioning and dashboard of ${name} are consistent (${mode})`, () => {
      const r = grafanaCheck(project(answers), mode);
      accepted(r, 'grafana');
      const metrics = new Set(r.queries.flatMap((q) => [...q.expr.matchAll(/\b([a-z_:][a-z0-9_:]*)\s*(?=\{|\[)/g)].map((m) => m[1]!)));
      for (const m of metrics) assert.ok(APP_METRICS.includes(m), `dashboard queries ${m}, which the app does not export`);
    });
  }
}

test('the dashboard shows rate by route, errors, p50/p95/p99, in-flight and up', () => {
  const dir = project(NGINX_FULL);
  const dash = JSON.parse(readFileSync(join(dir, 'grafana/dashboards/app.json'), 'utf8'));
  const exprs: string[] = dash.panels.flatMap((p: { targets: Array<{ expr: string }> }) => p.targets.map((t) => t.expr));
  const has = (re: RegExp) =>
    assert.ok(
      exprs.some((e) => re.test(e)),
      `no query matches ${re}`,
    );
  has(/sum by \(route\) \(rate\(http_requests_total/);
  has(/status=~"5\.\."/);
  for (const q of ['0.5', '0.95', '0.99']) has(new RegExp(`histogram_quantile\\(${q.replace('.', '\\.')}, `));
  has(/http_requests_in_progress/);
  has(/up\{job="app"\}/);
  const ds = parse(readFileSync(join(dir, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')).datasources[0];
  assert.is(ds.url, 'http://prometheus:9090');
  assert.is(dash.panels[0].datasource.uid, ds.uid);
  const provider = parse(readFileSync(join(dir, 'grafana/provisioning/dashboards/dashboards.yml'), 'utf8')).providers[0];
  assert.is(provider.options.path, '/var/lib/grafana/dashboards');
});

test('grafana check rejects a dashboard that is not JSON', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'grafana/dashboards/app.json', /\}\s*$/, ''));
  rejected(grafanaCheck(dir), 'truncated JSON', /not valid JSON/);
});

test('grafana check rejects a panel on a datasource that is not provisioned', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'grafana/provisioning/datasources/prometheus.yml', 'uid: prometheus', 'uid: prom'));
  rejected(grafanaCheck(dir), 'uid prom', /datasource uid prometheus is not provisioned/);
});

test('grafana check rejects a query promtool cannot parse', () => {
  const dir = broken(NGINX_FULL, (d) => change(d, 'grafana/dashboards/app.json', 'min(up{job=\\"app\\"})', 'min(up{job=\\"app\\"}'));
  rejected(grafanaCheck(dir), 'an unclosed min(', /promtool rejected a dashboard query/);
});

// ---- OpenTelemetry collector
test('the OTel collector config is complete and reachable (dev and prod)', () => {
  for (const mode of ['dev', 'prod'] as const) accepted(otelCollectorCheck(project(CADDY_FULL), mode), `otel ${mode}`);
  const cfg = parse(readFileSync(join(project(CADDY_FULL), 'otel/collector.yaml'), 'utf8'));
  assert.ok(cfg.receivers.otlp.protocols.grpc && cfg.receivers.otlp.protocols.http);
  assert.ok(cfg.processors.batch && cfg.processors.memory_limiter && cfg.exporters.debug && cfg.extensions.health_check);
  assert.match(readFileSync(join(project(CADDY_FULL), 'otel/collector.yaml'), 'utf8'), /# otlphttp:/);
});

test('otel check rejects a pipeline with an undefined exporter', () => {
  const dir = broken(CADDY_FULL, (d) => change(d, 'otel/collector.yaml', 'exporters: [debug] # e.g.', 'exporters: [otlphttp] # e.g.'));
  rejected(otelCollectorCheck(dir), 'exporter otlphttp', /exporters: otlphttp is used but not defined/);
});

test('otel check rejects a receiver that listens on localhost only', () => {
  const dir = broken(CADDY_FULL, (d) => change(d, 'otel/collector.yaml', 'endpoint: 0.0.0.0:4318', 'endpoint: localhost:4318'));
  rejected(otelCollectorCheck(dir), 'localhost:4318', /localhost:4318: listens on localhost only/);
});

// ---- files appear only with their choice
test('observability files appear only when chosen', () => {
  const bare = project(NGINX_BARE);
  for (const f of ['prometheus/prometheus.yml', 'grafana/dashboards/app.json', 'otel/collector.yaml', 'caddy/Caddyfile']) {
    assert.throws(() => readFileSync(join(bare, f)), undefined, `${f} must not be generated`);
  }
  assert.throws(() => readFileSync(join(project(NGINX_FULL), 'otel/collector.yaml')));
  assert.throws(() => readFileSync(join(project(CADDY_FULL), 'nginx/dev.conf')));
});

test.run();
