// Traefik: a proxy choice whose static settings are compose flags and whose routing is a file per stack.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { defaultsFor, PROXIES } from '../../answers/options.js';
import { plan } from '../../plan/plan.js';
import { render } from '../../render/render.js';

const traefik = (o = {}) => plan({ ...defaultsFor('demo'), proxy: 'traefik', ...o });
type Service = { command: string[]; ports: string[]; environment?: Record<string, string>; healthcheck: { test: string[] }; volumes: string[] };

test('traefik is a proxy choice', () => {
  assert.ok(PROXIES.includes('traefik'));
});

test("production: only the proxy is public, HTTPS redirect and Let's Encrypt from .env.prod, certificates kept in a volume", () => {
  const p = traefik();
  const proxy = p.compose.prod.services.proxy as Service;
  assert.equal(proxy.ports, ['80:80', '443:443', '443:443/udp']);
  assert.is((p.compose.prod.services.web as { ports?: string[] }).ports, undefined);
  assert.ok(proxy.command.includes('--entryPoints.web.http.redirections.entryPoint.to=websecure'));
  assert.ok(proxy.command.includes('--certificatesResolvers.letsencrypt.acme.email=${ACME_EMAIL:?set ACME_EMAIL in .env.prod}'));
  assert.is(proxy.environment?.DOMAIN, '${DOMAIN:?set DOMAIN in .env.prod}');
  assert.ok(proxy.volumes.includes('traefik-acme:/letsencrypt'));
  assert.ok(p.compose.prod.volumes && 'traefik-acme' in p.compose.prod.volumes);
  assert.equal(proxy.healthcheck.test.slice(0, 3), ['CMD', 'traefik', 'healthcheck']);
  for (const v of ['DOMAIN', 'ACME_EMAIL']) assert.ok(p.env.find((e) => e.name === v)?.requiredInProd, v);
});

test('routing: the app on its port, metrics and readiness not routed, HSTS only with TLS', () => {
  for (const port of [8000, 8080]) {
    const files = new Map(render(traefik({ port }), { secret: () => 's' }).map((f) => [f.path, f.content]));
    for (const [file, tls] of [
      ['traefik/dynamic.dev.yml', false],
      ['traefik/dynamic.yml', true],
    ] as const) {
      const routing = parse(files.get(file)!);
      assert.equal(routing.http.services.app.loadBalancer.servers, [{ url: `http://web:${port}` }], file);
      assert.match(routing.http.routers.app.rule, /!PathPrefix\(`\/metrics`\) && !PathPrefix\(`\/health\/ready`\)/);
      assert.is('stsSeconds' in routing.http.middlewares['security-headers'].headers, tls, file);
    }
    // The development URL in the file's comment is the port compose publishes (8081 when the app takes 8080).
    assert.match(files.get('traefik/dynamic.dev.yml')!, new RegExp(`http://127\\.0\\.0\\.1:${port === 8080 ? 8081 : 8080}\\b`));
    assert.match(files.get('README.md')!, /\| Reverse proxy \| Traefik/);
  }
});

test.run();
