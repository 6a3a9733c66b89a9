// How a running container is confined, read from inside it: every process's /proc/<pid>/status (UIDs, the
// effective, permitted and bounding capability sets, no_new_privs) and whether the code folder can be written.
import type { Engine } from './daemon.js';

export const UID = '10001:10001';

/** /proc/<pid>/status fields that say how a process is confined. */
export function confinement(status: string): { uid: string; capEff: bigint; capPrm: bigint; capBnd: bigint; noNewPrivs: string } {
  const field = (name: string) => new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(status)?.[1]?.trim() ?? '';
  return {
    uid: field('Uid'),
    capEff: BigInt(`0x${field('CapEff') || '0'}`),
    capPrm: BigInt(`0x${field('CapPrm') || '0'}`),
    capBnd: BigInt(`0x${field('CapBnd') || '0'}`),
    noNewPrivs: field('NoNewPrivs'),
  };
}

// Runs inside the container (its own Python): one line per process, then whether /app is writable.
const PROBE = [
  'import os, pathlib',
  'out = []',
  'for p in pathlib.Path("/proc").iterdir():',
  '    if p.name.isdigit() and p.name != str(os.getpid()):',
  '        try: out.append(p.name + "\\t" + (p / "status").read_text().replace("\\n", "\\\\n"))',
  '        except OSError: pass',
  'print("\\n".join(out))',
  'try:',
  '    open("/app/written", "w")',
  '    print("WRITABLE")',
  'except OSError as e:',
  '    print("READONLY", e.errno)',
].join('\n');

export async function confinementProblems(e: Engine, container: string): Promise<{ problems: string[]; processes: number }> {
  // The root's read-only state is proven from inside (EROFS on /app), whatever started the container.
  const user = (await e.docker(['inspect', '--format', '{{.Config.User}}', container])).output.trim();
  const problems: string[] = [];
  if (user !== UID) problems.push(`Config.User ${user}`);
  const probe = await e.docker(['exec', container, 'python', '-c', PROBE]);
  if (probe.code !== 0) throw new Error(`docker exec failed: ${probe.output}`);
  let processes = 0;
  for (const line of probe.output.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const pid = line.slice(0, tab);
    processes++;
    const c = confinement(line.slice(tab + 1).replace(/\\n/g, '\n'));
    if (c.uid.split(/\s+/).some((u) => u !== '10001')) problems.push(`PID ${pid} UIDs ${c.uid}`);
    if (c.capEff || c.capPrm || c.capBnd) problems.push(`PID ${pid} capabilities eff ${c.capEff} prm ${c.capPrm} bnd ${c.capBnd}`);
    if (c.noNewPrivs !== '1') problems.push(`PID ${pid} without no_new_privs`);
  }
  if (!/READONLY 30/.test(probe.output)) problems.push(`/app is writable (${probe.output.split('\n').pop()})`);
  if (processes < 2) problems.push(`only ${processes} processes seen`);
  return { problems, processes };
}

/** Variables of a container's Config.Env (docker inspect) that hold one of the secret values. */
export function environmentSecretProblems(env: string[], secretValues: string[]): string[] {
  return env.flatMap((entry) => {
    const hit = secretValues.find((v) => entry.slice(entry.indexOf('=') + 1).includes(v));
    return hit ? [`${entry.split('=')[0]} in Config.Env holds a secret value (docker inspect shows it)`] : [];
  });
}
