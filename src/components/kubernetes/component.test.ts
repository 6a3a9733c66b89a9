// Kubernetes: chosen as an extra (or added later), refused with SQLite, and built from the same plan as the
// compose files (the tier-1 checks in test/verify/kubernetes.ts hold every combination to the rest).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, parseAllDocuments } from 'yaml';
import { EXTRAS, defaultsFor } from '../../answers/options.js';
import { checkAnswers } from '../../answers/validate.js';
import { ADDABLE_KINDS } from '../../edit/add-kind.js';
import { plan } from '../../plan/plan.js';
import { render } from '../../render/render.js';
import { appEnvironment, dependencyPortsOf, k8sName } from './manifests.js';

const files = (o = {}) =>
  new Map(render(plan({ ...defaultsFor('shop_api2'), extras: ['kubernetes'], ...o }), { secret: () => 's' }).map((f) => [f.path, f.content]));

test('kubernetes is an extra a project can choose or add later, never with SQLite', () => {
  assert.ok(EXTRAS.includes('kubernetes'));
  assert.ok(ADDABLE_KINDS.includes('kubernetes'));
  assert.equal(checkAnswers({ ...defaultsFor('x'), database: 'sqlite', extras: ['kubernetes'] }), [
    '--extras kubernetes: SQLite keeps its data in a file on one machine; choose --database postgres, mysql or mariadb (or drop kubernetes)',
  ]);
  assert.not.ok([...files({ extras: [] }).keys()].some((f) => f.startsWith('k8s/') || f === 'scripts/deploy-k8s.sh'));
});

test('names are DNS-1123 (shop_api2 -> shop-api2); the tree is base plus two overlays; secrets stay out of it', () => {
  assert.is(k8sName('shop_api2'), 'shop-api2');
  const f = files();
  for (const path of [
    'k8s/base/kustomization.yaml',
    'k8s/overlays/staging/kustomization.yaml',
    'k8s/overlays/production/kustomization.yaml',
    'k8s/overlays/production/gateway.yaml',
  ]) {
    assert.ok(f.has(path), path);
  }
  const web = parse(f.get('k8s/base/web.yaml')!);
  assert.is(web.metadata.name, 'shop-api2-web');
  assert.match(f.get('k8s/.gitignore')!, /^overlays\/\*\/secrets\.env$/m);
  // No value of a secret in any manifest: the secret-bearing URLs only in the examples, with placeholders.
  for (const [path, text] of f) if (path.startsWith('k8s/') && path.endsWith('.yaml')) assert.not.match(text, /PASSWORD|:CHANGE-ME@/, path);
  const production = parse(f.get('k8s/overlays/production/kustomization.yaml')!);
  assert.equal(production.secretGenerator, [{ name: 'shop-api2-secrets', envs: ['secrets.env'] }]);
});

test('the environment splits into settings and secrets; URLs with a password are secrets', () => {
  const p = plan({ ...defaultsFor('svc'), extras: ['rabbitmq', 'worker', 'kubernetes'], broker: 'rabbitmq', observability: ['sentry'] });
  const { config, secrets } = appEnvironment(p);
  assert.equal(Object.keys(secrets).sort(), ['AMQP_URL', 'CELERY_BROKER_URL', 'DATABASE_URL', 'REDIS_URL']);
  assert.is(secrets.DATABASE_URL, 'postgresql+psycopg://app:CHANGE-ME@db:5432/svc');
  assert.is(config.LOG_LEVEL, 'info');
  assert.is(config.APP_ENV, 'production');
  // Egress: the database, cache and broker ports, and 443 for error reports.
  assert.equal(dependencyPortsOf(p), [443, 5432, 5672, 6379]);
});

test("the PrometheusRule holds prometheus/alerts.yml's rules, for the job its ServiceMonitor scrapes", () => {
  const f = files();
  const rule = parse(f.get('k8s/base/prometheus-rule.yaml')!);
  const monitor = parse(f.get('k8s/base/service-monitor.yaml')!);
  const service = parse(f.get('k8s/base/service.yaml')!);
  assert.ok(parse(f.get('k8s/base/kustomization.yaml')!).resources.includes('prometheus-rule.yaml'));
  // A ServiceMonitor labels its targets job=<Service name>; compose's scrape job is "app".
  assert.equal(monitor.spec.selector.matchLabels, service.metadata.labels);
  const alerts = parse(f.get('prometheus/alerts.yml')!);
  const asCompose = JSON.parse(JSON.stringify(rule.spec.groups).replaceAll(`job=\\"${service.metadata.name}\\"`, 'job=\\"app\\"'));
  assert.ok(rule.spec.groups.flatMap((g: { rules: unknown[] }) => g.rules).length >= 3);
  assert.equal(asCompose, alerts.groups);
  // Without Prometheus: no ServiceMonitor, no rules.
  const none = files({ observability: [] });
  assert.not.ok(none.has('k8s/base/prometheus-rule.yaml'));
  assert.not.ok(none.has('prometheus/alerts.yml'));
});

test('the migrations Job and the worker Deployments come from the same commands as compose', () => {
  const p = plan({ ...defaultsFor('svc'), framework: 'django', extras: ['worker', 'kubernetes'] });
  const f = new Map(render(p, { secret: () => 's' }).map((x) => [x.path, x.content]));
  const job = parse(f.get('k8s/base/migrate.yaml')!);
  assert.equal(job.spec.template.spec.containers[0].args, p.serve.migrateCommand);
  assert.is(job.spec.template.spec.restartPolicy, 'Never');
  const worker = parse(f.get('k8s/base/worker.yaml')!);
  assert.equal(worker.spec.template.spec.containers[0].args, (p.compose.prod.services.worker as { command: string[] }).command);
  assert.match(worker.spec.template.spec.containers[0].livenessProbe.exec.command[2], /celery --app app\.worker inspect ping .*"celery@\$HOSTNAME"/);
  const policies = parseAllDocuments(f.get('k8s/base/network-policies.yaml')!).map((d) => d.toJS());
  assert.equal(policies[0].spec, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  assert.match(f.get('scripts/deploy-k8s.sh')!, /for deployment in svc-web svc-worker svc-beat; do/);
  assert.match(f.get('README.md')!, /## When one machine is not enough/);
});

test.run();
