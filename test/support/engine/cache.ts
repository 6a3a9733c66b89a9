// Tier 3, the production cache service: compose.prod.yaml's `cache` (Redis or Valkey) as the real Compose and the
// engine run it, with its password in the secret file the project's own write_secrets made. There is no registry,
// so the image is a stand-in: the Python stand-in with Debian's server package, tagged as the pinned image. The
// official image's entrypoint passes a command that starts with `sh` straight through, so what runs is the
// generated command, user, healthcheck and confinement, on Debian's build of the same server.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plan as planFor } from '../../../src/plan/plan.js';
import { prodEnvFile } from '../live/env.js';
import { waitFor } from '../live/proc.js';
import { readCompose } from '../tools/common.js';
import { composeRunner, serviceCheckProject, writeEnvFile, writeOverride, writeSecretsAsDeploy } from './compose.js';
import { confinement, environmentSecretProblems } from './confinement.js';
import { Engine } from './daemon.js';
import { ensureBaseImages, ensureStandIn } from './images.js';

/** Debian's package of each server, and its client. */
const SERVERS = {
  redis: { package: 'redis-server', cli: 'redis-cli' },
  valkey: { package: 'valkey-server', cli: 'valkey-cli' },
} as const;
const STANDIN_REVISION = 'cache-1';

export interface CacheResult {
  checks: string[];
  problems: string[];
}

export async function runCacheCheck(rootDir: string, cache: keyof typeof SERVERS, mutate?: (projectDir: string) => void): Promise<CacheResult> {
  const name = `t3-cache-${cache}${mutate ? '-broken' : ''}`;
  const { projectDir, logDir, answers } = serviceCheckProject(rootDir, name, { database: 'none', cache }, mutate);
  const service = readCompose(projectDir, 'prod').services.cache as { image: string; user?: string; command: string[] };
  const server = SERVERS[cache];

  const engine = await Engine.start({ logDir, dependencies: [], inboundPorts: [] });
  try {
    await ensureBaseImages(engine);
    await ensureStandIn(
      engine,
      service.image,
      STANDIN_REVISION,
      [`RUN apt-get update && apt-get install -y --no-install-recommends ${server.package} && rm -rf /var/lib/apt/lists/*`],
      join(logDir, 'standin'),
    );

    const envFile = join(logDir, 'cache.env');
    const values = { ...prodEnvFile(projectDir, planFor(answers), {}), IMAGE: name, TAG: 'none' };
    writeEnvFile(envFile, values);
    await writeSecretsAsDeploy(projectDir, logDir, envFile);
    const password = readFileSync(join(projectDir, 'secrets', `${cache}_password`), 'utf8').trim();
    // The engine has no bridge: the service runs on the namespace's network; everything else is compose.prod.yaml's.
    const override = join(logDir, 'compose.cache.yaml');
    writeOverride(override, { cache: { network_mode: 'host', networks: '!reset []' } });
    const compose = composeRunner({ engine, cwd: projectDir, project: name, override, envFile });
    const checks: string[] = [];
    const problems: string[] = [];
    try {
      const up = await compose(['up', '-d', '--no-deps', '--no-build', '--pull', 'never', 'cache']);
      if (up.code !== 0) throw new Error(`compose up cache exited ${up.code}:\n${up.output}`);
      const id = (await compose(['ps', '-q', 'cache'])).output.trim();
      const health = await waitFor(
        'the cache healthcheck',
        60_000,
        async () => {
          const s = (await engine.docker(['inspect', '--format', '{{.State.Health.Status}}', id])).output.trim();
          return s === 'healthy' || s === 'unhealthy' ? s : undefined;
        },
        500,
      ).catch((err: Error) => err.message);
      if (health === 'healthy') checks.push("Docker's healthcheck (the client reading the password file) → healthy");
      else problems.push(`healthcheck: ${health}`);

      const env = JSON.parse((await engine.docker(['inspect', '--format', '{{json .Config.Env}}', id])).output) as string[];
      problems.push(...environmentSecretProblems(env, [password]));
      const status = await engine.docker(['exec', id, 'cat', '/proc/1/status', '/proc/1/cmdline']);
      const c = confinement(status.output);
      const uid = (await engine.docker(['exec', id, 'id', '-u'])).output.trim();
      if (c.uid.split(/\s+/).includes('0') || uid === '0') problems.push(`the server runs as root (UIDs ${c.uid})`);
      if (c.capEff || c.capPrm || c.capBnd) problems.push(`the server keeps capabilities: eff ${c.capEff} prm ${c.capPrm} bnd ${c.capBnd}`);
      if (c.noNewPrivs !== '1') problems.push('the server runs without no_new_privs');
      if (status.output.includes(password)) problems.push('the password is on the server process command line');
      else
        checks.push(
          `the server runs as UID ${uid} (${service.user ?? 'the image user'}), no capabilities, no_new_privs, no password in its command line, root read-only`,
        );
      const anonymous = await engine.docker(['exec', id, server.cli, 'ping']);
      if (!/NOAUTH/.test(anonymous.output)) problems.push(`a client without the password got: ${anonymous.output.trim()}`);
      const authenticated = await engine.docker(['exec', '-e', `REDISCLI_AUTH=${password}`, id, server.cli, 'ping']);
      if (authenticated.output.trim() !== 'PONG') problems.push(`a client with the file's password got: ${authenticated.output.trim()}`);
      else checks.push('without the password NOAUTH; with the one in secrets/ PONG');
      const root = (await engine.docker(['exec', id, 'awk', '$2 == "/" { print $4 }', '/proc/mounts'])).output.trim();
      if (!root.split(',').includes('ro')) problems.push(`the root filesystem is mounted ${root || '(not found)'}, not read-only`);
    } finally {
      writeFileSync(join(logDir, 'compose.log'), (await compose(['logs', '--no-color'])).output);
      await compose(['down', '--volumes', '--timeout', '5']);
    }
    return { checks, problems };
  } finally {
    await engine.close();
  }
}

/** The cache as the image's entrypoint would leave it with a `sh` command: as root (the mistake to catch). */
export function cacheAsRoot(projectDir: string): void {
  const file = join(projectDir, 'compose.prod.yaml');
  const text = readFileSync(file, 'utf8');
  const broken = text.replace(/(\n {2}cache:\n(?: {4}.*\n)*?) {4}user: \w+\n/, '$1');
  if (broken === text) throw new Error('cacheAsRoot: the cache service names no user');
  writeFileSync(file, broken);
}
