// The built image run the way the generated Kubernetes Deployment runs it: its pod and container
// securityContext (user, group, fsGroup, read-only root, dropped capabilities, no privilege escalation, the
// runtime's default seccomp profile), its emptyDir mounts, its resource limits, its probes, its preStop command
// and its termination grace, each turned into the `docker run` option that does the same on this engine.
// The environment is the compose one (scratch servers); the ConfigMap's values are not what is checked here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { waitFor } from '../live/proc.js';
import { confinementProblems } from './confinement.js';
import type { Engine } from './daemon.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `512Mi` → `512m`, `1.0` → `1.0`: Kubernetes quantities as docker's flags take them. */
function dockerMemory(q: string): string {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`memory quantity ${q} is not NKi/NMi/NGi`);
  return `${m[1]}${m[2]![0]!.toLowerCase()}`;
}

export interface KubernetesRun {
  args: string[];
  probes: { startup?: string; liveness?: string; readiness?: string };
  preStop?: string[];
  graceSeconds: number;
  port: number;
}

/** docker run options for the web Deployment's container in k8s/base. */
export function kubernetesRunOptions(projectDir: string): KubernetesRun {
  const deployment = parse(readFileSync(join(projectDir, 'k8s/base/web.yaml'), 'utf8')) as Json;
  const pod = deployment.spec.template.spec as Json;
  const container = (pod.containers as Json[]).find((c) => c.name === 'web');
  if (!container) throw new Error('k8s/base/web.yaml has no container named web');
  const sc = { ...(pod.securityContext ?? {}), ...(container.securityContext ?? {}) } as Json;
  const args: string[] = [];
  if (sc.runAsUser === undefined) throw new Error('no runAsUser: the check needs the UID Kubernetes runs the image with');
  args.push('--user', `${sc.runAsUser}:${sc.runAsGroup ?? sc.runAsUser}`);
  if (pod.securityContext?.fsGroup !== undefined) args.push('--group-add', String(pod.securityContext.fsGroup));
  if (sc.readOnlyRootFilesystem) args.push('--read-only');
  for (const cap of sc.capabilities?.drop ?? []) args.push('--cap-drop', String(cap));
  for (const cap of sc.capabilities?.add ?? []) args.push('--cap-add', String(cap));
  if (sc.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges:true');
  // RuntimeDefault is the engine's default profile, which docker applies unless told otherwise.
  if (sc.seccompProfile?.type !== 'RuntimeDefault') throw new Error(`seccompProfile ${JSON.stringify(sc.seccompProfile)} is not RuntimeDefault`);
  const volumes = new Map((pod.volumes as Json[] | undefined)?.map((v) => [v.name as string, v]) ?? []);
  for (const m of (container.volumeMounts as Json[] | undefined) ?? []) {
    const v = volumes.get(m.name);
    if (!v?.emptyDir) throw new Error(`volume ${m.name} is not an emptyDir; the check knows only those`);
    args.push('--tmpfs', `${m.mountPath}:rw,mode=1777${v.emptyDir.sizeLimit ? `,size=${dockerMemory(v.emptyDir.sizeLimit)}` : ''}`);
  }
  const limits = container.resources?.limits ?? {};
  if (limits.memory) args.push('--memory', dockerMemory(String(limits.memory)));
  if (limits.cpu) args.push('--cpus', String(limits.cpu));
  const port = (container.ports as Json[] | undefined)?.find((p) => p.name === 'http')?.containerPort as number | undefined;
  if (!port) throw new Error('the web container declares no http port');
  const path = (probe: Json | undefined) => probe?.httpGet?.path as string | undefined;
  return {
    args,
    probes: { startup: path(container.startupProbe), liveness: path(container.livenessProbe), readiness: path(container.readinessProbe) },
    preStop: container.lifecycle?.preStop?.exec?.command,
    graceSeconds: Number(pod.terminationGracePeriodSeconds ?? 30),
    port,
  };
}

/** Runs `image` as the Deployment would and checks it; returns what it saw, or throws naming what failed. */
export async function kubernetesRun(
  e: Engine,
  projectDir: string,
  image: string,
  env: Record<string, string>,
  get: (path: string) => Promise<{ status: number; body: string }>,
): Promise<string> {
  const k = kubernetesRunOptions(projectDir);
  const user = (await e.docker(['image', 'inspect', '--format', '{{.Config.User}}', image])).output.trim();
  // runAsNonRoot: the kubelet refuses an image whose user it cannot prove is not root.
  if (!/^[1-9]\d*(:\d+)?$/.test(user)) throw new Error(`image USER "${user}" is not a numeric non-root UID; runAsNonRoot would refuse it`);
  const name = `k8s-${Date.now()}`;
  const run = await e.docker([
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'host',
    ...k.args,
    ...Object.entries(env).flatMap(([key, v]) => ['-e', `${key}=${v}`]),
    image,
  ]);
  if (run.code !== 0) throw new Error(`docker run ${k.args.join(' ')} failed: ${run.output}`);
  try {
    for (const [probe, path] of Object.entries(k.probes)) {
      if (!path) throw new Error(`no ${probe} probe`);
      await waitFor(`${probe} probe ${path} 200`, 60_000, async () => ((await get(path).catch(() => undefined))?.status === 200 ? true : undefined), 300);
    }
    const confined = await confinementProblems(e, name);
    if (confined.problems.length) throw new Error(confined.problems.join('; '));
    if (k.preStop) {
      const r = await e.docker(['exec', name, ...k.preStop], { timeoutMs: (k.graceSeconds + 5) * 1000 });
      if (r.code !== 0) throw new Error(`preStop ${k.preStop.join(' ')} exited ${r.code}: ${r.output}`);
    }
    const stop = await e.docker(['stop', '-t', String(k.graceSeconds), name], { timeoutMs: (k.graceSeconds + 10) * 1000 });
    const exit = (await e.docker(['inspect', '--format', '{{.State.ExitCode}}', name])).output.trim();
    if (stop.code !== 0 || exit !== '0') throw new Error(`stop within ${k.graceSeconds} s: exit ${exit} ${stop.output}`);
    return `${k.args.join(' ')}; probes ${Object.values(k.probes).join(', ')} 200; ${confined.processes} processes confined; preStop ${k.preStop?.join(' ') ?? 'none'} ok; exit 0 on SIGTERM`;
  } finally {
    await e.docker(['rm', '-f', name]);
  }
}
