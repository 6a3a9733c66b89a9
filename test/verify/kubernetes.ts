// Tier-1 checks of k8s/ (when a project has it), read from the files alone: the restricted Pod Security Standard
// field by field on every workload, and the wiring to the rest of the project (the image's UID, the app's port
// and probe paths, the environment names the compose files give the app, the config and secret names).
import { parse, parseAllDocuments } from 'yaml';
import type { CheckId } from './checks.js';
import type { Problem, Project } from './project.js';

// Parsed YAML, read loosely.
type Json = any;

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

function docs(p: Project, file: string): Json[] {
  try {
    return parseAllDocuments(p.files.get(file) ?? '').map((d) => d.toJS());
  } catch {
    return []; // syntax.yaml reports it
  }
}

function podOf(w: Json): Json {
  return w.kind === 'CronJob' ? w.spec?.jobTemplate?.spec?.template?.spec : w.spec?.template?.spec;
}

/** The restricted Pod Security Standard (v1.3x), as the admission controller checks it. */
export function restrictedProblems(w: Json, uid: number | undefined): string[] {
  const name = `${w.kind} ${w.metadata?.name}`;
  const pod = podOf(w) ?? {};
  const out: string[] = [];
  const psc = pod.securityContext ?? {};
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[f]) out.push(`${name}: ${f} is set`);
  for (const v of pod.volumes ?? []) if (v.hostPath) out.push(`${name}: volume ${v.name} is a hostPath`);
  if (pod.automountServiceAccountToken !== false) out.push(`${name}: the service-account token is mounted (automountServiceAccountToken: false)`);
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    const at = `${name} container ${c.name}`;
    if (sc.privileged) out.push(`${at}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${at}: allowPrivilegeEscalation is not false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${at}: capabilities do not drop ALL`);
    if ((sc.capabilities?.add ?? []).some((c2: string) => c2 !== 'NET_BIND_SERVICE')) out.push(`${at}: adds capabilities ${sc.capabilities.add.join(', ')}`);
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) out.push(`${at}: runAsNonRoot is not true`);
    const runAs = sc.runAsUser ?? psc.runAsUser;
    if (runAs === 0) out.push(`${at}: runs as UID 0`);
    if (uid !== undefined && runAs !== uid) out.push(`${at}: runs as UID ${runAs}, the image's user is ${uid}`);
    const seccomp = (sc.seccompProfile ?? psc.seccompProfile)?.type;
    if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) out.push(`${at}: seccompProfile is ${seccomp ?? 'unset'} (RuntimeDefault)`);
    if (sc.readOnlyRootFilesystem !== true) out.push(`${at}: the root filesystem is writable (readOnlyRootFilesystem: true)`);
    const tmp = (c.volumeMounts ?? []).find((m: Json) => m.mountPath === '/tmp');
    if (!tmp || !(pod.volumes ?? []).some((v: Json) => v.name === tmp.name && v.emptyDir)) out.push(`${at}: no emptyDir at /tmp for the read-only root`);
    if (!c.resources?.limits?.memory || !c.resources?.requests?.cpu) out.push(`${at}: no memory limit or CPU request`);
  }
  return out;
}

export function validateKubernetes(p: Project): Problem[] {
  const files = [...p.files.keys()].filter((f) => f.startsWith('k8s/') && f.endsWith('.yaml'));
  if (files.length === 0) return [];
  const problems: Problem[] = [];
  const add = (file: string, check: CheckId, message: string) => problems.push({ file, check, message });

  const user = /^USER (\d+)(?::\d+)?$/m.exec(p.files.get('Dockerfile') ?? '')?.[1];
  const uid = user ? Number(user) : undefined;
  const all = files.flatMap((f) => docs(p, f).map((d) => ({ file: f, doc: d })));
  for (const { file, doc } of all) {
    if (WORKLOADS.has(doc?.kind)) for (const m of restrictedProblems(doc, uid)) add(file, 'k8s.pod-security', m);
  }

  // Wiring: the web container's port and probes, and the environment the app gets.
  const web = all.find((d) => d.doc?.kind === 'Deployment' && d.doc.metadata?.labels?.['app.kubernetes.io/component'] === 'web');
  if (!web) {
    add('k8s/base', 'k8s.wiring', 'no web Deployment');
    return problems;
  }
  const c = podOf(web.doc)?.containers?.[0] ?? {};
  const port = (c.ports ?? []).find((x: Json) => x.name === 'http')?.containerPort;
  if (port !== p.answers.port) add(web.file, 'k8s.wiring', `web listens on ${port} in the cluster, the app on ${p.answers.port}`);
  const path = (probe: string) => c[probe]?.httpGet?.path;
  if (path('livenessProbe') !== '/health') add(web.file, 'k8s.wiring', `livenessProbe is ${path('livenessProbe')}, the app's liveness is /health`);
  if (path('readinessProbe') !== '/health/ready')
    add(web.file, 'k8s.wiring', `readinessProbe is ${path('readinessProbe')}, the app's readiness is /health/ready`);
  if (path('startupProbe') !== '/health') add(web.file, 'k8s.wiring', `startupProbe is ${path('startupProbe')}, expected /health`);

  const kustomization = parse(p.files.get('k8s/base/kustomization.yaml') ?? '{}') ?? {};
  const config = new Map<string, string[]>();
  for (const g of kustomization.configMapGenerator ?? [])
    config.set(
      g.name,
      (g.literals ?? []).map((l: string) => l.split('=')[0]),
    );
  const refs = (c.envFrom ?? []).map((e: Json) => e.configMapRef?.name ?? e.secretRef?.name);
  const configRef = (c.envFrom ?? []).find((e: Json) => e.configMapRef)?.configMapRef?.name;
  const secretRef = (c.envFrom ?? []).find((e: Json) => e.secretRef)?.secretRef?.name;
  if (!config.has(configRef))
    add('k8s/base/kustomization.yaml', 'k8s.wiring', `web reads ConfigMap ${configRef}, which no configMapGenerator makes (${refs.join(', ')})`);
  const compose = parse(p.files.get('compose.prod.yaml') ?? '{}') ?? {};
  // A value compose hands over as a file (NAME_FILE=/run/secrets/…) is NAME in the cluster's Secret.
  const wanted = Object.entries(compose.services?.web?.environment ?? {})
    .map(([k, v]) => (k.endsWith('_FILE') && String(v).startsWith('/run/secrets/') ? k.slice(0, -'_FILE'.length) : k))
    .sort();
  for (const overlay of ['staging', 'production']) {
    const k = parse(p.files.get(`k8s/overlays/${overlay}/kustomization.yaml`) ?? '{}') ?? {};
    const gen = (k.secretGenerator ?? []).find((g: Json) => g.name === secretRef);
    if (!gen) {
      add(`k8s/overlays/${overlay}/kustomization.yaml`, 'k8s.wiring', `web reads Secret ${secretRef}, which this overlay does not generate`);
      continue;
    }
    const example = p.files.get(`k8s/overlays/${overlay}/secrets.env.example`) ?? '';
    const secretKeys = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    const given = [...(config.get(configRef) ?? []), ...secretKeys].sort();
    const missing = wanted.filter((w) => !given.includes(w));
    const extra = given.filter((g) => !wanted.includes(g));
    if (missing.length || extra.length) {
      add(
        `k8s/overlays/${overlay}/secrets.env.example`,
        'k8s.wiring',
        `the app's environment differs from compose.prod.yaml's: missing ${missing.join(', ') || 'none'}, extra ${extra.join(', ') || 'none'}`,
      );
    }
  }
  return problems;
}
