// Planner behaviour for every value of every option, asserted on the compose models it builds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Answers, CACHES, DATABASES, FRAMEWORKS, OBSERVABILITY, PROXIES, defaultsFor } from '../src/answers/options.js';
import { componentById } from '../src/components/registry.js';
import type { Capability, ComposeService } from '../src/components/types.js';
import { combinationLabel, combinations } from '../src/answers/combinations.js';
import { plan } from '../src/plan/plan.js';

const base = (o: Partial<Answers> = {}): Answers => ({ ...defaultsFor('demo'), ...o });
const svc = (s: ComposeService | undefined) => s as Record<string, any>;

for (const framework of FRAMEWORKS) {
  test(`framework ${framework}: dev reloads, prod runs the image command, migrate step`, () => {
    const p = plan(base({ framework }));
    assert.equal(svc(p.compose.dev.services.web).command, p.serve.devCommand, 'dev runs the reloading command');
    assert.is(svc(p.compose.prod.services.web).command, undefined, 'prod uses the image CMD');
    assert.match(p.serve.command.join(' '), /^gunicorn /);
    assert.equal(svc(p.compose.dev.services.migrate).command, p.serve.migrateCommand);
    assert.equal(svc(p.compose.dev.services.web).depends_on.migrate, { condition: 'service_completed_successfully' });
    assert.is(plan(base({ framework, database: 'none' })).serve.migrateCommand, undefined, 'nothing to migrate without a database');
  });
}

for (const database of DATABASES) {
  test(`database ${database}: service, health, volume, wiring`, () => {
    const p = plan(base({ database }));
    const { dev, prod } = p.compose;
    const webEnv = svc(dev.services.web).environment;
    if (database === 'none') {
      assert.is(dev.services.db, undefined);
      assert.is(dev.services.migrate, undefined);
      assert.is(webEnv.DATABASE_URL, undefined);
      assert.is(svc(dev.services.web).depends_on.db, undefined);
      return;
    }
    if (database === 'sqlite') {
      assert.is(dev.services.db, undefined);
      assert.match(webEnv.DATABASE_URL, /^sqlite:\/\/\/\/data\//);
      assert.ok(svc(dev.services.web).volumes.includes('sqlite-data:/data'));
      assert.ok(svc(prod.services.migrate).volumes.includes('sqlite-data:/data'));
      assert.ok(prod.volumes && 'sqlite-data' in prod.volumes);
      return;
    }
    const db = svc(dev.services.db);
    assert.match(db.image, new RegExp(`^${database}:\\d+\\.\\d+`), 'the image is the official one, pinned to a release');
    assert.ok(db.healthcheck.test.length > 1);
    assert.equal(svc(dev.services.web).depends_on.db, { condition: 'service_healthy' });
    assert.equal(svc(dev.services.migrate).depends_on.db, { condition: 'service_healthy' });
    const volume = String(db.volumes[0]).split(':')[0]!;
    assert.ok(dev.volumes && volume in dev.volumes, 'named volume declared');
    assert.ok(
      db.ports.every((p: string) => p.startsWith('127.0.0.1:')),
      'dev ports on loopback only',
    );
    assert.is(svc(prod.services.db).ports, undefined, 'database not published in production');
    assert.match(webEnv.DATABASE_URL, database === 'postgres' ? /^postgresql\+psycopg:\/\/.*@db:5432\// : /^mysql\+pymysql:\/\/.*@db:3306\//);
    const secrets = p.env.filter((e) => typeof e.dev !== 'string').map((e) => e.name);
    assert.ok(
      secrets.some((n) => n.endsWith('PASSWORD')),
      'database password is a generated secret',
    );
  });
}

for (const cache of CACHES) {
  test(`cache ${cache}: service, health, client wiring`, () => {
    const p = plan(base({ cache }));
    const web = svc(p.compose.dev.services.web);
    if (cache === 'none') {
      assert.is(p.compose.dev.services.cache, undefined);
      assert.is(web.depends_on.cache, undefined);
      assert.not.ok(p.readiness.includes('redis') || p.readiness.includes('memcached'));
      return;
    }
    assert.ok(svc(p.compose.dev.services.cache).healthcheck);
    assert.equal(web.depends_on.cache, { condition: 'service_healthy' });
    assert.is(svc(p.compose.prod.services.cache).ports, undefined);
    assert.ok(p.readiness.includes(cache));
    const own =
      componentById(cache)!.contribute({
        answers: p.answers,
        hold: {},
        has: (id) => p.components.includes(id),
        lookup: componentById,
        can: (c) => p.capabilities.includes(c),
      }).appEnv?.dev ?? {};
    assert.ok(Object.keys(own).length > 0 && Object.keys(own).every((k) => web.environment[k] === own[k]), 'the app gets the client settings');
  });
}

for (const proxy of PROXIES) {
  test(`proxy ${proxy}: only the proxy is public in production`, () => {
    const p = plan(base({ proxy }));
    const prodWeb = svc(p.compose.prod.services.web);
    if (proxy === 'none') {
      assert.is(p.compose.prod.services.proxy, undefined);
      assert.equal(prodWeb.ports, ['8000:8000']);
      return;
    }
    const prodProxy = svc(p.compose.prod.services.proxy);
    assert.ok(prodProxy.ports.includes('80:80') && prodProxy.ports.includes('443:443'));
    assert.is(prodWeb.ports, undefined);
    assert.equal(prodProxy.depends_on.web, { condition: 'service_healthy' });
    assert.equal(svc(p.compose.dev.services.proxy).ports, ['127.0.0.1:8080:80']);
  });
}

for (const o of OBSERVABILITY) {
  test(`observability ${o}: contributes its services, env and files`, () => {
    const required = (componentById(o)!.requires ?? []).map((r) => r.id);
    const p = plan(base({ observability: [...required, o] }));
    const without = plan(base({ observability: required }));
    const ctx = {
      answers: p.answers,
      hold: {},
      has: (id: string) => p.components.includes(id),
      lookup: componentById,
      can: (c: Capability) => p.capabilities.includes(c),
    };
    const own = componentById(o)!.contribute(ctx);
    for (const name of Object.keys(own.services?.dev ?? {})) assert.ok(p.compose.dev.services[name] && !without.compose.dev.services[name], `${name} added`);
    for (const v of own.env ?? [])
      assert.ok(
        p.env.some((e) => e.name === v.name),
        `${v.name} planned`,
      );
    for (const [k, v] of Object.entries(own.appEnv?.dev ?? {})) assert.is(svc(p.compose.dev.services.web).environment[k], v);
    assert.ok(p.files.length > without.files.length || (own.files ?? []).length === 0);
  });
}

test('observability none: no monitoring services', () => {
  const p = plan(base({ observability: [] }));
  assert.equal(Object.keys(p.compose.dev.services).sort(), ['cache', 'db', 'migrate', 'proxy', 'web']);
});

test('port: published on loopback in dev, used by the app command', () => {
  const p = plan(base({ port: 9123, framework: 'fastapi' }));
  const web = svc(p.compose.dev.services.web);
  assert.equal(web.ports, ['127.0.0.1:9123:9123']);
  assert.ok(web.command.includes('9123'));
});

test('whatever the app port, development never publishes one host port twice (or says which to change)', () => {
  const all = { observability: ['prometheus', 'grafana', 'otel', 'sentry'] } as const;
  for (const port of [8000, 8080, 9090, 3000, 4318, 5432, 3306, 6379, 11211]) {
    for (const extra of [{ cache: 'memcached', database: 'mysql' }, {}] as const) {
      let p: ReturnType<typeof plan>;
      try {
        p = plan(base({ port, ...all, ...extra, observability: [...all.observability] }));
      } catch (err) {
        assert.match((err as Error).message, /would be published by both .* choose another --port/);
        continue;
      }
      const hostPorts = Object.values(p.compose.dev.services).flatMap((s) => (svc(s).ports ?? []).map((x: string) => x.split(':').slice(0, -1).join(':')));
      assert.equal(hostPorts.length, new Set(hostPorts).size, `port ${port}: ${hostPorts}`);
    }
  }
});

test('production web service is hardened', () => {
  const web = svc(plan(base()).compose.prod.services.web);
  assert.is(web.read_only, true);
  assert.equal(web.cap_drop, ['ALL']);
  assert.ok(web.security_opt.includes('no-new-privileges:true'));
  assert.ok(web.deploy.resources.limits.memory);
  assert.ok(web.logging.options['max-size']);
  assert.match(web.image, /^\$\{IMAGE:\?.*\}:\$\{TAG:\?.*\}$/);
  assert.is(web.restart, 'unless-stopped');
});

test('no image is latest or untagged', () => {
  const p = plan(base({ observability: ['prometheus', 'grafana', 'otel', 'sentry'] }));
  for (const model of [p.compose.dev, p.compose.prod]) {
    for (const [name, s] of Object.entries(model.services)) {
      const image = String(svc(s).image);
      if (name === 'web' || name === 'migrate') continue;
      assert.match(image, /:[\w.-]+$/, `${name} pinned`);
      assert.not.match(image, /:latest$/);
    }
  }
});

test('planning is pure: same answers, same plan', () => {
  assert.equal(plan(base()), plan(base()));
});

test.run();

test('production secret files: every value is safe inside the double quotes write_secrets puts it in, and names only variables', () => {
  for (const a of combinations()) {
    const p = plan(a);
    for (const f of p.secrets) {
      // Only ${NAME}, ${NAME:-text} and ${NAME:?text}; no quote, backslash, backquote or $( that bash would act on.
      const rest = f.value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::[-?][^"`\\$}]*)?\}/g, '');
      assert.not.match(rest, /["`\\$]/, `${combinationLabel(a)}: ${f.name} = ${f.value}`);
      assert.match(f.name, /^[a-z0-9_]+$/);
    }
    assert.equal(
      p.secrets.map((f) => f.name),
      [...new Set(p.secrets.map((f) => f.name))],
      'no two secrets share a file',
    );
  }
});

test("a preset's secret variable stays in the environment (the team's code reads it, not app/config.py); the app's own secrets become files", () => {
  const p = plan(defaultsFor('svc'), {
    name: 'team',
    version: '1.0.0',
    values: { env: [{ name: 'PAYMENTS_TOKEN', description: 'token of the payment provider', secret: true }] },
  });
  const web = p.compose.prod.services.web as { environment: Record<string, string>; secrets: string[] };
  assert.is(web.environment.PAYMENTS_TOKEN, '${PAYMENTS_TOKEN:?set PAYMENTS_TOKEN in .env.prod}');
  assert.is(web.environment.DATABASE_URL, undefined);
  assert.is(web.environment.DATABASE_URL_FILE, '/run/secrets/database_url');
  assert.ok(web.secrets.includes('database_url'));
  assert.not.ok(p.secrets.some((f) => f.name === 'payments_token'));
});
