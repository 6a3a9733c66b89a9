// The Kubernetes manifests of a project, as data built from the same plan as its compose files: the image, the
// commands, the environment, the probes and the limits all come from the plan, so the two cannot drift.
// Written as a kustomize tree (k8s/base, k8s/overlays/staging, k8s/overlays/production) with `yaml`.
import { stringify } from 'yaml';
import { ruleGroups } from '../shared/rule-groups.js';
import type { StackPlan } from '../../plan/types.js';

type Obj = Record<string, unknown>;

/** A DNS-1123 name for the project's objects (`shop_api2` → `shop-api2`). */
export const k8sName = (name: string) => name.replace(/_/g, '-');

export const UID = 10001;
/** Namespaces whose pods may reach the app: the Gateway's, and the one Prometheus scrapes from. */
export const GATEWAY_NAMESPACE = 'gateway-system';
export const MONITORING_NAMESPACE = 'monitoring';

const INTERPOLATION = /\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/g;

/**
 * web's production environment with each value compose hands over as a file (NAME_FILE naming a secret) back as
 * NAME and its value: a cluster gives the app its secrets through a Secret instead.
 */
function webEnvironment(plan: StackPlan): Record<string, string> {
  const web = plan.compose.prod.services.web as { environment?: Record<string, string> };
  const files = new Map(plan.secrets.map((f) => [`/run/secrets/${f.name}`, f.value]));
  return Object.fromEntries(
    Object.entries(web.environment ?? {}).map(([k, v]) => (k.endsWith('_FILE') && files.has(v) ? [k.slice(0, -'_FILE'.length), files.get(v)!] : [k, v])),
  );
}

/** The app's environment in production, split as Kubernetes keeps it: plain settings and secrets. */
export function appEnvironment(plan: StackPlan): { config: Record<string, string>; secrets: Record<string, string> } {
  const secretVars = new Set(plan.env.filter((v) => typeof v.dev !== 'string').map((v) => v.name));
  const example = new Map(plan.env.map((v) => [v.name, v.prod ?? (typeof v.dev === 'string' ? v.dev : '')]));
  const config: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const fill = (value: string, secret: string) =>
    value.replace(INTERPOLATION, (_m, v: string, op?: string, d?: string) => (secretVars.has(v) ? secret : op === '-' ? (d ?? '') : (example.get(v) ?? '')));
  for (const [key, value] of Object.entries(webEnvironment(plan))) {
    const vars = [...value.matchAll(INTERPOLATION)].map((m) => m[1]!);
    // A secret itself is left to fill in; a URL with a password points, in a cluster, at a managed service.
    if (secretVars.has(key)) secrets[key] = '';
    else if (vars.some((v) => secretVars.has(v))) secrets[key] = fill(value, 'CHANGE-ME');
    else config[key] = fill(value, '');
  }
  return { config, secrets };
}

const labels = (n: string, component: string) => ({ 'app.kubernetes.io/name': n, 'app.kubernetes.io/component': component });

/** checkov skips, each with its reason, as checkov reads them from the object's annotations. */
function skips(...entries: [string, string][]): Record<string, string> {
  return Object.fromEntries(entries.map(([id, why], i) => [`checkov.io/skip${i + 1}`, `${id}=${why}`]));
}
// Reasons every workload shares.
const DIGEST: [string, string] = ['CKV_K8S_43', 'scripts/deploy-k8s.sh sets the image by the digest it pushed; the committed files name a tag'];
const ENV_SECRETS: [string, string] = [
  'CKV_K8S_35',
  'the app reads its settings from the environment; the Secret is generated from a git-ignored file, never in the manifests',
];

function podSecurity(): Obj {
  return {
    runAsNonRoot: true,
    runAsUser: UID,
    runAsGroup: UID,
    fsGroup: UID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

function containerSecurity(): Obj {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: UID,
    runAsGroup: UID,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

const memory = (compose: string | undefined, fallback: string) => (compose ?? fallback).replace(/M$/, 'Mi').replace(/G$/, 'Gi');
const seconds = (d: string | undefined, fallback: number) => (d ? Number(/^(\d+)s$/.exec(d)?.[1] ?? fallback) : fallback);

interface Process {
  component: string;
  command?: string[];
  limits: { cpus?: string; memory?: string };
}

function container(n: string, image: string, p: Process, extra: Obj = {}): Obj {
  return {
    name: p.component,
    image,
    imagePullPolicy: 'Always',
    ...(p.command ? { command: ['tini', '--'], args: p.command } : {}),
    envFrom: [{ configMapRef: { name: `${n}-config` } }, { secretRef: { name: `${n}-secrets` } }],
    resources: {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: p.limits.cpus ?? '1', memory: memory(p.limits.memory, '512M') },
    },
    securityContext: containerSecurity(),
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    ...extra,
  };
}

function podSpec(containers: Obj[], grace: number, restartPolicy?: string): Obj {
  return {
    automountServiceAccountToken: false,
    securityContext: podSecurity(),
    terminationGracePeriodSeconds: grace,
    ...(restartPolicy ? { restartPolicy } : {}),
    containers,
    // The root filesystem is read-only: /tmp (gunicorn's worker files, the metrics of the worker processes).
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
  };
}

/** Every file of k8s/, path → content. */
export function kubernetesFiles(plan: StackPlan): Record<string, string> {
  const a = plan.answers;
  const n = k8sName(a.name);
  const image = a.registry;
  const port = a.port;
  const services = plan.compose.prod.services as Record<
    string,
    { command?: string[]; stop_grace_period?: string; deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } } }
  >;
  const web = services.web!;
  const grace = seconds(web.stop_grace_period, 30);
  const files: Record<string, Obj | Obj[]> = {};
  const base: string[] = [];
  const put = (path: string, doc: Obj | Obj[]) => {
    files[path] = doc;
  };

  // The web Deployment: probes on the app's own paths, a drain before SIGTERM, spread over nodes.
  const probe = (path: string, extra: Obj) => ({ httpGet: { path, port: 'http' }, ...extra });
  put('base/web.yaml', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${n}-web`, labels: labels(n, 'web'), annotations: skips(DIGEST, ENV_SECRETS) },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 5,
      selector: { matchLabels: labels(n, 'web') },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: labels(n, 'web') },
        spec: {
          ...podSpec(
            [
              container(
                n,
                image,
                { component: 'web', limits: web.deploy?.resources?.limits ?? {} },
                {
                  ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
                  startupProbe: probe('/health', { periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 3 }),
                  livenessProbe: probe('/health', { periodSeconds: 15, failureThreshold: 3, timeoutSeconds: 3 }),
                  readinessProbe: probe('/health/ready', { periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 3 }),
                  // Endpoints are removed while this sleeps, so no new request reaches a pod that is stopping.
                  lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
                },
              ),
            ],
            grace + 5,
          ),
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels(n, 'web') } },
          ],
        },
      },
    },
  });
  base.push('web.yaml');
  put('base/service.yaml', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${n}-web`, labels: labels(n, 'web') },
    spec: { selector: labels(n, 'web'), ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  });
  base.push('service.yaml');
  put('base/autoscaling.yaml', [
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: `${n}-web` },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${n}-web` },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: `${n}-web` },
      spec: { minAvailable: 1, selector: { matchLabels: labels(n, 'web') } },
    },
  ]);
  base.push('autoscaling.yaml');

  // Migrations: a Job the deploy script runs to completion before it rolls out the new pods.
  if (plan.serve.migrateCommand) {
    put('base/migrate.yaml', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: `${n}-migrate`, labels: labels(n, 'migrate'), annotations: skips(DIGEST, ENV_SECRETS) },
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: 600,
        ttlSecondsAfterFinished: 86400,
        template: {
          metadata: { labels: labels(n, 'migrate') },
          spec: podSpec([container(n, image, { component: 'migrate', command: plan.serve.migrateCommand, limits: {} })], 30, 'Never'),
        },
      },
    });
    base.push('migrate.yaml');
  }

  // Other processes of the app's image (the Celery worker and its scheduler).
  for (const [name, s] of Object.entries(services).filter(
    ([k]) => !['web', 'migrate'].includes(k) && (services[k] as { image?: string }).image?.startsWith('${IMAGE'),
  )) {
    const g = seconds(s.stop_grace_period, 30);
    // The compose healthcheck of the process, as an exec probe (compose's $$ is a plain $ here).
    const test = (s as { healthcheck?: { test?: string[]; timeout?: string; interval?: string } }).healthcheck;
    const exec =
      test?.test?.[0] === 'CMD-SHELL'
        ? {
            exec: { command: ['sh', '-c', test.test[1]!.replace(/\$\$/g, '$')] },
            periodSeconds: seconds(test.interval, 30),
            timeoutSeconds: seconds(test.timeout, 10),
          }
        : undefined;
    const probes = exec ? { livenessProbe: { ...exec, failureThreshold: 3 }, readinessProbe: { ...exec, failureThreshold: 1 } } : {};
    const annotations = exec
      ? skips(DIGEST, ENV_SECRETS)
      : skips(
          DIGEST,
          ENV_SECRETS,
          ['CKV_K8S_8', `${name} has no port and no health command; Kubernetes restarts it when it exits`],
          ['CKV_K8S_9', `${name} serves no traffic: there is nothing to be ready for`],
        );
    put(`base/${name}.yaml`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `${n}-${name}`, labels: labels(n, name), annotations },
      spec: {
        // One of each to start; the scheduler must stay one (two would send every periodic task twice).
        replicas: 1,
        revisionHistoryLimit: 5,
        selector: { matchLabels: labels(n, name) },
        ...(name === 'beat' ? { strategy: { type: 'Recreate' } } : {}),
        template: {
          metadata: { labels: labels(n, name) },
          spec: podSpec([container(n, image, { component: name, command: s.command, limits: s.deploy?.resources?.limits ?? {} }, probes)], g),
        },
      },
    });
    base.push(`${name}.yaml`);
  }

  // Network policies: nothing in or out unless allowed; in: the gateway and Prometheus to web; out: DNS and the
  // ports of the services the app uses (managed, outside the cluster, in production).
  const dependencyPorts = dependencyPortsOf(plan);
  const nsFrom = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
  put('base/network-policies.yaml', [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${n}-default-deny` },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${n}-web-ingress` },
      spec: {
        podSelector: { matchLabels: labels(n, 'web') },
        policyTypes: ['Ingress'],
        ingress: [{ from: [nsFrom(GATEWAY_NAMESPACE), nsFrom(MONITORING_NAMESPACE)], ports: [{ port: 'http', protocol: 'TCP' }] }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${n}-egress` },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': n } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ...nsFrom('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
          ...(dependencyPorts.length ? [{ ports: dependencyPorts.map((p) => ({ port: p, protocol: 'TCP' })) }] : []),
        ],
      },
    },
  ]);
  base.push('network-policies.yaml');

  if (plan.capabilities.includes('metrics-scraper')) {
    put('base/service-monitor.yaml', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: `${n}-web`, labels: labels(n, 'web') },
      spec: { selector: { matchLabels: labels(n, 'web') }, endpoints: [{ port: 'http', path: '/metrics', interval: '15s' }] },
    });
    base.push('service-monitor.yaml');
    if (plan.alertRules.length) {
      // The rules compose's Prometheus loads from prometheus/alerts.yml, for the job the ServiceMonitor scrapes.
      put('base/prometheus-rule.yaml', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: `${n}-alerts`, labels: labels(n, 'web') },
        spec: { groups: ruleGroups(plan.alertRules, `${n}-web`) },
      });
      base.push('prometheus-rule.yaml');
    }
  }

  const env = appEnvironment(plan);
  put('base/kustomization.yaml', {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    labels: [{ pairs: { 'app.kubernetes.io/part-of': n }, includeSelectors: false }],
    resources: base,
    configMapGenerator: [{ name: `${n}-config`, literals: Object.entries(env.config).map(([k, v]) => `${k}=${v}`) }],
    images: [{ name: image, newTag: '0.1.0' }],
  });

  for (const overlay of ['staging', 'production'] as const) {
    const prod = overlay === 'production';
    const resources = ['../../base', ...(prod ? ['gateway.yaml'] : [])];
    put(`overlays/${overlay}/kustomization.yaml`, {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: prod ? n : `${n}-staging`,
      resources,
      // Secrets from a git-ignored env file next to this one (secrets.env.example lists the keys).
      secretGenerator: [{ name: `${n}-secrets`, envs: ['secrets.env'] }],
      ...(prod
        ? {}
        : {
            patches: [
              {
                target: { kind: 'HorizontalPodAutoscaler', name: `${n}-web` },
                patch: stringify([
                  { op: 'replace', path: '/spec/minReplicas', value: 1 },
                  { op: 'replace', path: '/spec/maxReplicas', value: 2 },
                ]),
              },
            ],
          }),
    });
    if (prod) {
      put('overlays/production/gateway.yaml', [
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: { name: n, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } },
          spec: {
            gatewayClassName: 'CHANGE-ME',
            listeners: [
              {
                name: 'https',
                protocol: 'HTTPS',
                port: 443,
                hostname: 'app.example.com',
                tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: `${n}-tls` }] },
                allowedRoutes: { namespaces: { from: 'Same' } },
              },
            ],
          },
        },
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: n },
          spec: {
            parentRefs: [{ name: n, sectionName: 'https' }],
            hostnames: ['app.example.com'],
            rules: [
              // Not routed: metrics and readiness are for the cluster, not the internet (no backend: no answer).
              { matches: [{ path: { type: 'PathPrefix', value: '/metrics' } }, { path: { type: 'PathPrefix', value: '/health/ready' } }] },
              { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: `${n}-web`, port: 80 }] },
            ],
          },
        },
      ]);
    }
  }

  const out: Record<string, string> = {};
  for (const [path, doc] of Object.entries(files)) {
    out[`k8s/${path}`] = Array.isArray(doc) ? doc.map((d) => stringify(d, { lineWidth: 0 })).join('---\n') : stringify(doc, { lineWidth: 0 });
  }
  const secretLines = Object.entries(env.secrets).map(([k, v]) => `${k}=${v}`);
  for (const overlay of ['staging', 'production']) {
    out[`k8s/overlays/${overlay}/secrets.env.example`] =
      `# Copy to secrets.env (git-ignored) and fill in: kustomize makes the Secret ${n}-secrets from it.\n` +
      `# URLs point at the managed database, cache and broker of this environment.\n${secretLines.join('\n')}\n`;
  }
  return out;
}

/**
 * TCP ports the app opens to other services (database, cache, broker, trace collector), read from the URLs and
 * host:port values of its production environment; 443 when it reports errors to a service on the internet.
 */
export function dependencyPortsOf(plan: StackPlan): number[] {
  const ports = new Set<number>();
  for (const value of Object.values(webEnvironment(plan))) {
    for (const m of value.matchAll(/(?:^|[@/,\s])[a-z][a-z0-9-]*:(\d+)\b/g)) ports.add(Number(m[1]));
  }
  if (plan.capabilities.includes('error-reporting')) ports.add(443);
  return [...ports].sort((x, y) => x - y);
}
