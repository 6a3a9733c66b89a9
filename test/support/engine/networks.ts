// Tier 3, networks: the generated compose.prod.yaml's networks as the real engine builds them (bridges and the
// engine's iptables rules, inside the sandbox's own network namespace). The images are not the project's: every
// service kept is the Python stand-in running a small TCP listener or prober, so what is judged is only which
// container reaches which. Web must reach the database; the proxy must reach web and must not reach the database,
// neither by its service name nor by its address on the backend network.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plan as planFor } from '../../../src/plan/plan.js';
import { prodEnvFile } from '../live/env.js';
import { Engine } from './daemon.js';
import { composeRunner, serviceCheckProject, writeEnvFile, writeOverride, writeSecretsAsDeploy } from './compose.js';
import { ensureBaseImages, pythonTag } from './images.js';

// `listen PORT` accepts and closes connections until SIGTERM; `probe HOST:PORT...` prints what each attempt gave.
const PROGRAM = `
import json, signal, socket, sys
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
if sys.argv[1] == "listen":
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(sys.argv[2])))
    s.listen()
    while True:
        s.accept()[0].close()
out = {}
for target in sys.argv[2:]:
    host, port = target.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=3).close()
        out[target] = "connected"
    except OSError as e:
        out[target] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
`;

export interface NetworkResult {
  /** What each probe gave, by who probed and what. */
  reached: Record<string, Record<string, string>>;
  problems: string[];
}

export async function runNetworkCheck(rootDir: string, mutate?: (projectDir: string) => void): Promise<NetworkResult> {
  const name = mutate ? 't3-networks-broken' : 't3-networks';
  const { projectDir, logDir, answers } = serviceCheckProject(rootDir, name, { database: 'postgres', cache: 'redis', proxy: 'nginx' }, mutate);
  const port = Number(answers.port);
  const dbPort = 5432;

  const engine = await Engine.start({ logDir, dependencies: [], inboundPorts: [], networks: true });
  try {
    await ensureBaseImages(engine);
    const standIn = (command: string[]) => ({
      image: pythonTag(),
      entrypoint: ['python', '-c', PROGRAM],
      command,
      healthcheck: { disable: true },
      depends_on: '!reset {}',
      ports: '!reset []',
    });
    const override = join(logDir, 'compose.networks.yaml');
    writeOverride(override, { db: standIn(['listen', String(dbPort)]), web: standIn(['listen', String(port)]), proxy: standIn(['probe']) });
    const envFile = join(logDir, 'networks.env');
    writeEnvFile(envFile, { ...prodEnvFile(projectDir, planFor(answers), {}), IMAGE: name, TAG: 'none' });
    // The services mount their secret files: secrets/ as deploy writes it.
    await writeSecretsAsDeploy(projectDir, logDir, envFile);
    const compose = composeRunner({ engine, cwd: projectDir, project: name, override, envFile });
    const probe = async (args: string[]) => {
      const r = await compose(args);
      const line = r.output.trim().split('\n').pop() ?? '';
      if (r.code !== 0 || !line.startsWith('{')) throw new Error(`compose ${args.join(' ')} exited ${r.code}:\n${r.output}`);
      return JSON.parse(line) as Record<string, string>;
    };
    try {
      const up = await compose(['up', '-d', '--no-build', '--pull', 'never', 'db', 'web']);
      if (up.code !== 0) throw new Error(`compose up db web exited ${up.code}:\n${up.output}`);
      const dbId = (await compose(['ps', '-q', 'db'])).output.trim();
      const networks = JSON.parse((await engine.docker(['inspect', '--format', '{{json .NetworkSettings.Networks}}', dbId])).output) as Record<
        string,
        { IPAddress: string }
      >;
      const dbAddress = Object.entries(networks).find(([n]) => n.endsWith('_backend'))?.[1].IPAddress;
      if (!dbAddress) throw new Error(`db is on no backend network: ${JSON.stringify(networks)}`);
      const db = `db:${dbPort}`;
      const dbByAddress = `${dbAddress}:${dbPort}`;
      const reached = {
        web: await probe(['exec', '-T', 'web', 'python', '-c', PROGRAM, 'probe', db]),
        proxy: await probe(['run', '--rm', '--no-deps', 'proxy', 'probe', `web:${port}`, db, dbByAddress]),
      };
      const problems: string[] = [];
      if (reached.web[db] !== 'connected') problems.push(`web cannot reach the database: ${reached.web[db]}`);
      if (reached.proxy[`web:${port}`] !== 'connected') problems.push(`the proxy cannot reach web: ${reached.proxy[`web:${port}`]}`);
      if (reached.proxy[db] === 'connected') problems.push('the proxy reaches the database by its service name');
      if (reached.proxy[dbByAddress] === 'connected') problems.push(`the proxy reaches the database at its backend address ${dbAddress}`);
      writeFileSync(join(logDir, 'reached.json'), `${JSON.stringify(reached, null, 2)}\n`);
      return { reached, problems };
    } finally {
      writeFileSync(join(logDir, 'compose.log'), (await compose(['logs', '--no-color'])).output);
      await compose(['down', '--volumes', '--timeout', '5']);
    }
  } finally {
    await engine.close();
  }
}

/** Puts the proxy on the backend network too (the mistake the check must catch). */
export function proxyOnBackend(projectDir: string): void {
  const file = join(projectDir, 'compose.prod.yaml');
  const text = readFileSync(file, 'utf8');
  const broken = text.replace(/(\n {2}proxy:[\s\S]*?\n {4}networks:\n {6}- frontend)/, '$1\n      - backend');
  if (broken === text) throw new Error('proxyOnBackend: the proxy service has no networks list to change');
  writeFileSync(file, broken);
}
