// A generated project for the service benchmark: the full stack of one framework, rendered without Yeoman,
// plus what its own files say about running it (the production image's CMD and ENV, compose's migrate
// command), a scratch PostgreSQL database and the production environment the app needs.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { answersFor, renderProject, writeProject } from '../../test/support/generate.js';
import { dockerCommand, parseDockerfile } from '../../test/support/live/dockerfile.js';
import { runCommand } from '../../test/support/live/proc.js';

export type Framework = 'fastapi' | 'flask' | 'django';
export const FRAMEWORKS: Framework[] = ['fastapi', 'flask', 'django'];

export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };
export const REDIS = { host: '127.0.0.1', port: 6379 };
/** Redis database index of the benchmark (readiness only PINGs it; nothing is written). */
export const REDIS_DB = 15;

/** The full stack: PostgreSQL, Redis, nginx, Prometheus and Grafana. */
export function generateProject(framework: Framework, dir: string): void {
  const answers = answersFor(`bench-${framework}`, {
    framework,
    database: 'postgres',
    cache: 'redis',
    proxy: 'nginx',
    observability: ['prometheus', 'grafana'],
  });
  writeProject(dir, renderProject(answers));
}

export interface ImageRun {
  /** The Dockerfile's CMD of the final stage (tini, the ENTRYPOINT, only forwards signals and is left out). */
  cmd: string[];
  /** ENV of the final stage. */
  env: Record<string, string>;
}

export function imageRun(projectDir: string): ImageRun {
  const image = dockerCommand(parseDockerfile(readFileSync(join(projectDir, 'Dockerfile'), 'utf8')));
  if (image.cmd[0] !== 'gunicorn') throw new Error(`the production image's CMD is not gunicorn: ${JSON.stringify(image.cmd)}`);
  return { cmd: image.cmd, env: image.env };
}

/** compose.prod.yaml's `migrate` command. */
export function migrateCommand(projectDir: string): string[] {
  const compose = parse(readFileSync(join(projectDir, 'compose.prod.yaml'), 'utf8')) as { services?: Record<string, { command?: unknown }> };
  const command = compose.services?.migrate?.command;
  if (!Array.isArray(command)) throw new Error('compose.prod.yaml has no migrate command (exec form)');
  return command.map(String);
}

const PSQL = ['-h', POSTGRES.host, '-p', String(POSTGRES.port), '-U', POSTGRES.user, '-w', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres', '-c'];

export async function psql(statement: string): Promise<string> {
  const r = await runCommand('psql', [...PSQL, statement], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`psql -c '${statement}' failed: ${r.output.trim()}`);
  return r.output;
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function scratchDatabase(framework: Framework): Promise<ScratchDatabase> {
  const name = `bench_${framework}_${randomBytes(3).toString('hex')}`;
  await psql(`CREATE DATABASE "${name}"`);
  return {
    name,
    url: `postgresql+psycopg://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${name}`,
    drop: async () => void (await psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

/**
 * The production environment of the app (read from app/config.py: DATABASE_URL and REDIS_URL for every
 * framework here, SECRET_KEY for Flask and Django, ALLOWED_HOSTS for Django), over the image's ENV.
 */
export function appEnvironment(framework: Framework, image: ImageRun, database: ScratchDatabase, port: number, multiprocDir: string): Record<string, string> {
  const env: Record<string, string> = {
    ...image.env,
    APP_ENV: 'production',
    LOG_LEVEL: 'info',
    WEB_CONCURRENCY: '2',
    PORT: String(port),
    PROMETHEUS_MULTIPROC_DIR: multiprocDir,
    DATABASE_URL: database.url,
    REDIS_URL: `redis://${REDIS.host}:${REDIS.port}/${REDIS_DB}`,
  };
  delete env.PATH; // the image's /opt/venv/bin: the venv's bin takes its place
  if (framework !== 'fastapi') env.SECRET_KEY = `bench-${randomBytes(24).toString('hex')}`;
  if (framework === 'django') env.ALLOWED_HOSTS = 'localhost,127.0.0.1';
  return env;
}
