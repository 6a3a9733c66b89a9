// Builds the two compose models (development and production) from the components' services plus the
// app's own services (web, migrate), which depend on what every other component contributed.
import type { Answers } from '../answers/options.js';
import type { ComposeService, Contribution, SecretFile, ServeSpec } from '../components/types.js';
import { secretPath } from '../components/shared/secrets.js';
import type { ComposeModel } from './types.js';

/** Where the code lives in the image; the dev container mounts the source over it. */
export const APP_DIR = '/app';
export const HEALTHCHECK_CMD = ['CMD', 'python', '-m', 'app.healthcheck'];

type Mode = 'dev' | 'prod';

function mergeEnv(contributions: Contribution[], mode: Mode): Record<string, string> {
  const env: Record<string, string> = {};
  for (const c of contributions) Object.assign(env, c.appEnv?.[mode]);
  return env;
}

const VARIABLE_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * The app's production variables whose values hold a secret variable (a password, a URL with one in it): each
 * becomes a file of its own, named after it in lower case, that the app reads through NAME_FILE. Only the
 * settings production requires (app/config.py's `required`, which honours NAME_FILE); others (a preset's, read by
 * the team's own code) stay in the environment.
 */
export function appSecretFiles(contributions: Contribution[], secretVars: ReadonlySet<string>): SecretFile[] {
  const required = new Set(contributions.flatMap((c) => (c.settings ?? []).flatMap((s) => (s.production ? [s.production[0]] : []))));
  return Object.entries(mergeEnv(contributions, 'prod'))
    .filter(([name, value]) => required.has(name) && [...value.matchAll(VARIABLE_REF)].some((m) => secretVars.has(m[1]!)))
    .map(([name, value]) => ({ name: name.toLowerCase(), value }));
}

/** The environment with each secret variable replaced, in place, by NAME_FILE naming its file. */
function fileBacked(env: Record<string, string>, secrets: SecretFile[]): Record<string, string> {
  const files = new Set(secrets.map((s) => s.name));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => (files.has(k.toLowerCase()) ? [`${k}_FILE`, secretPath(k.toLowerCase())] : [k, v])));
}

function dependsOn(contributions: Contribution[], withMigrate: boolean): Record<string, { condition: string }> {
  const deps: Record<string, { condition: string }> = {};
  for (const c of contributions) for (const s of c.appDependsOn ?? []) deps[s] = { condition: 'service_healthy' };
  if (withMigrate) deps.migrate = { condition: 'service_completed_successfully' };
  return deps;
}

function healthcheck(mode: Mode): Record<string, unknown> {
  return {
    test: HEALTHCHECK_CMD,
    interval: mode === 'dev' ? '10s' : '15s',
    timeout: '3s',
    retries: 5,
    start_period: '20s',
    start_interval: '2s',
  };
}

/** The app's own processes (web, migrate, workers): a handful of processes and threads each. */
const APP_PIDS = 256;
/**
 * Every other service: enough for a database's process or thread per connection (PostgreSQL's and MySQL's
 * default 100/151 connections plus their own workers) and for an Erlang or Go runtime's threads, while a fork
 * bomb or a thread leak still stops at a bound instead of exhausting the host's PIDs.
 */
const SERVICE_PIDS = 512;

function withPidsLimit(service: ComposeService, pids: number): ComposeService {
  const deploy = (service.deploy ?? {}) as { resources?: { limits?: Record<string, unknown> } };
  if (deploy.resources?.limits?.pids !== undefined) return service;
  return { ...service, deploy: { ...deploy, resources: { ...deploy.resources, limits: { ...deploy.resources?.limits, pids } } } };
}

/** Production defaults every service gets unless its component already says otherwise. */
function prodDefaults(service: ComposeService): ComposeService {
  return withPidsLimit(
    {
      restart: 'unless-stopped',
      ...service,
      security_opt: service.security_opt ?? ['no-new-privileges:true'],
      logging: service.logging ?? { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '5' } },
    },
    SERVICE_PIDS,
  );
}

/**
 * Production networks: `backend` is internal (no way out, nothing published), holding the app's processes and
 * the services they use; `frontend` joins the entry point (the proxy, which declares it) and `web` only, so the
 * proxy cannot reach a database or cache; `egress` gives a way out to the services that need one (workers calling
 * out, a collector exporting traces). A service that declares `networks` keeps them; every other is backend-only.
 */
function productionNetworks(services: Record<string, ComposeService>, contributions: Contribution[]): Record<string, Record<string, unknown>> {
  const appProcesses = new Set(contributions.flatMap((c) => Object.keys(c.appProcesses ?? {})));
  for (const [name, s] of Object.entries(services)) {
    if (s.networks) continue;
    s.networks = name === 'web' ? ['frontend', 'backend'] : appProcesses.has(name) ? ['backend', 'egress'] : ['backend'];
  }
  const used = new Set(Object.values(services).flatMap((s) => s.networks as string[]));
  const all: Record<string, Record<string, unknown>> = { frontend: {}, backend: { internal: true }, egress: {} };
  return Object.fromEntries(Object.entries(all).filter(([n]) => used.has(n)));
}

function withoutEmpty(service: ComposeService): ComposeService {
  return Object.fromEntries(Object.entries(service).filter(([, v]) => !(v && typeof v === 'object' && Object.keys(v).length === 0)));
}

function appServices(
  a: Answers,
  serve: ServeSpec,
  contributions: Contribution[],
  mode: Mode,
  dependencyFiles: string[],
  secrets: SecretFile[],
): Record<string, ComposeService> {
  const migrate = serve.migrateCommand !== undefined;
  const environment = mode === 'prod' ? fileBacked(mergeEnv(contributions, mode), secrets) : mergeEnv(contributions, mode);
  // In production every app process gets the same secrets as files (development keeps them in .env).
  const secretNames = mode === 'prod' && secrets.length > 0 ? { secrets: secrets.map((s) => s.name) } : {};
  const services: Record<string, ComposeService> = {};
  const base: ComposeService =
    mode === 'dev'
      ? { build: { context: '.', target: 'dev' }, image: `${a.name}:dev` }
      : { image: '${IMAGE:?set IMAGE to the image repository}:${TAG:?set TAG to the version to deploy}' };

  if (migrate) {
    services.migrate = withoutEmpty({
      ...base,
      command: serve.migrateCommand,
      environment,
      ...secretNames,
      depends_on: dependsOn(contributions, false),
      ...(mode === 'dev'
        ? { volumes: ['./app:/app/app', ...sqliteVolume(contributions)] }
        : {
            // A one-shot job, confined like web: same image, same code, run with the same hardening.
            restart: 'no',
            read_only: true,
            tmpfs: ['/tmp'],
            cap_drop: ['ALL'],
            volumes: sqliteVolume(contributions),
            deploy: { resources: { limits: { cpus: '1.0', memory: '512M', pids: APP_PIDS } } },
          }),
    });
  }

  const web: ComposeService =
    mode === 'dev'
      ? {
          ...base,
          command: serve.devCommand,
          environment,
          ports: [`127.0.0.1:${a.port}:${a.port}`],
          volumes: ['./app:/app/app', ...sqliteVolume(contributions)],
          depends_on: dependsOn(contributions, migrate),
          healthcheck: healthcheck(mode),
          // ./app is bind-mounted (the dev server reloads on change): a watch `sync` of it would be dead, as
          // Compose skips watch paths that are bind mounts. Watch rebuilds the image when what it installs changes.
          develop: {
            watch: ['Dockerfile', ...dependencyFiles].map((f) => ({ action: 'rebuild', path: `./${f}` })),
          },
        }
      : {
          ...base,
          environment,
          ...secretNames,
          // Without a proxy the app itself is the public entry point.
          ...(a.proxy === 'none' ? { ports: [`${a.port}:${a.port}`] } : {}),
          volumes: sqliteVolume(contributions),
          depends_on: dependsOn(contributions, migrate),
          healthcheck: healthcheck(mode),
          read_only: true,
          tmpfs: ['/tmp'],
          cap_drop: ['ALL'],
          stop_grace_period: '30s',
          deploy: { resources: { limits: { cpus: '1.0', memory: '512M', pids: APP_PIDS }, reservations: { memory: '128M' } } },
        };
  services.web = withoutEmpty(web);

  for (const c of contributions) {
    for (const [name, proc] of Object.entries(c.appProcesses ?? {})) {
      services[name] = withoutEmpty(
        mode === 'dev'
          ? {
              ...base,
              command: proc.devCommand ?? proc.command,
              environment,
              volumes: ['./app:/app/app', ...sqliteVolume(contributions)],
              depends_on: dependsOn(contributions, migrate),
              ...(proc.healthcheck ? { healthcheck: proc.healthcheck } : {}),
            }
          : {
              ...base,
              command: proc.command,
              environment,
              ...secretNames,
              volumes: sqliteVolume(contributions),
              depends_on: dependsOn(contributions, migrate),
              ...(proc.healthcheck ? { healthcheck: proc.healthcheck } : {}),
              read_only: true,
              tmpfs: ['/tmp'],
              cap_drop: ['ALL'],
              stop_grace_period: proc.stopGracePeriod ?? '30s',
              deploy: { resources: { limits: { pids: APP_PIDS, ...(proc.limits ?? { memory: '512M' }) } } },
            },
      );
    }
  }
  return services;
}

// SQLite keeps its file in a named volume shared by migrate and web; the component names it in appEnv.
function sqliteVolume(contributions: Contribution[]): string[] {
  return contributions.flatMap((c) => (c.volumes?.dev?.includes('sqlite-data') ? ['sqlite-data:/data'] : []));
}

/**
 * `appSecrets` (production): the app's values that reach it as files (appSecretFiles), like the other services'
 * secrets (the components name theirs); compose.prod.yaml lists them all.
 */
export function buildCompose(
  a: Answers,
  serve: ServeSpec,
  contributions: Contribution[],
  mode: Mode,
  dependencyFiles: string[],
  appSecrets: SecretFile[] = [],
): ComposeModel {
  const services: Record<string, ComposeService> = appServices(a, serve, contributions, mode, dependencyFiles, appSecrets);
  const volumes: Record<string, Record<string, unknown>> = {};
  for (const c of contributions) {
    for (const [name, service] of Object.entries(c.services?.[mode] ?? {})) services[name] = service;
    for (const v of c.volumes?.[mode] ?? []) volumes[v] = {};
  }
  if (mode === 'prod') for (const name of Object.keys(services)) services[name] = prodDefaults(services[name]!);
  const model: ComposeModel = { name: a.name, services };
  if (Object.keys(volumes).length > 0) model.volumes = volumes;
  if (mode === 'prod') model.networks = productionNetworks(services, contributions);
  const secrets = [...contributions.flatMap((c) => c.secrets ?? []), ...appSecrets];
  if (mode === 'prod' && secrets.length > 0) model.secrets = Object.fromEntries(secrets.map((s) => [s.name, { file: `./secrets/${s.name}` }]));
  return model;
}
