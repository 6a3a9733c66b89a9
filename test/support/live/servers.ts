// The real servers the live tier runs generated apps against, on this machine's loopback:
//   PostgreSQL 127.0.0.1:5432 (trust, user postgres)  - a scratch database per use, dropped afterwards
//   MariaDB    127.0.0.1:3306 (root, no password)      - a scratch database per use (also for `mysql`)
//   Redis      127.0.0.1:6379 (no password)            - a database index per combination
//   memcached                                           - our own process on a free port, stopped afterwards
// SQLite needs no server: a file in a scratch folder.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, isAlive, runCommand, start, stop, waitFor, type Started } from './proc.js';
import { connect } from 'node:net';

export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };
export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' };
export const REDIS = { host: '127.0.0.1', port: 6379 };

export type ServerDbKind = 'postgres' | 'mysql' | 'mariadb';

const PSQL = ['-h', POSTGRES.host, '-p', String(POSTGRES.port), '-U', POSTGRES.user, '-w', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres', '-c'];
const MYSQL = ['-h', MARIADB.host, '-P', String(MARIADB.port), '-u', MARIADB.user, '-e'];

async function sql(kind: ServerDbKind, statement: string) {
  const r =
    kind === 'postgres'
      ? await runCommand('psql', [...PSQL, statement], { timeoutMs: 30_000 })
      : await runCommand('mysql', [...MYSQL, statement], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${kind === 'postgres' ? 'psql' : 'mysql'} -c '${statement}' failed: ${r.output.trim()}`);
}

export interface ScratchDatabase {
  kind: ServerDbKind;
  name: string;
  host: string;
  port: number;
  user: string;
  /** Password to put in URLs (the servers here do not check it). */
  password: string;
  drop(): Promise<void>;
}

/** A new, empty database on the real server: e2e_<label>_<our pid>_<random>. */
export async function scratchDatabase(kind: ServerDbKind, label: string): Promise<ScratchDatabase> {
  const name = `e2e_${label
    .replace(/[^a-z0-9]+/gi, '_')
    .toLowerCase()
    .slice(0, 40)}_${process.pid}_${randomBytes(3).toString('hex')}`;
  if (kind === 'postgres') await sql(kind, `CREATE DATABASE "${name}"`);
  else await sql(kind, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const server = kind === 'postgres' ? POSTGRES : MARIADB;
  return {
    kind,
    name,
    ...server,
    password: kind === 'postgres' ? 'e2e-trust' : '',
    drop: () => (kind === 'postgres' ? sql(kind, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) : sql(kind, `DROP DATABASE IF EXISTS \`${name}\``)),
  };
}

export interface Memcached {
  host: string;
  port: number;
  process: Started;
  stop(): Promise<void>;
}

/** Our own memcached on a free port of 127.0.0.1. */
export async function startMemcached(logDir: string): Promise<Memcached> {
  const port = await freePort();
  const args = ['-p', String(port), '-l', '127.0.0.1', '-U', '0', '-m', '64'];
  if (process.getuid?.() === 0) args.push('-u', 'nobody'); // memcached refuses to run as root
  const p = start('memcached', args, { log: join(logDir, 'memcached.log') });
  await waitFor(`memcached on 127.0.0.1:${port}`, 10_000, async () => {
    if (!p.running()) throw new Error(`memcached exited ${await p.exited}`);
    return (await tcpAnswers('127.0.0.1', port)) ? true : undefined;
  });
  return { host: '127.0.0.1', port, process: p, stop: async () => void (await stop(p, { graceMs: 3000 })) };
}

export function tcpAnswers(host: string, port: number, ms = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    const t = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, ms);
    s.once('connect', () => {
      clearTimeout(t);
      s.end();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(t);
      resolve(false);
    });
  });
}

/** Which of the servers answer; a missing one fails only the combinations that need it, with this message. */
export async function serverStatus(): Promise<Record<'postgres' | 'mariadb' | 'redis', string | undefined>> {
  const check = async (what: string, cmd: string, args: string[]) => {
    const r = await runCommand(cmd, args, { timeoutMs: 10_000 });
    return r.code === 0 ? undefined : `${what} does not answer: ${cmd} ${args.join(' ')} -> ${r.output.trim() || `exit ${r.code}`}`;
  };
  const [postgres, mariadb, redis] = await Promise.all([
    check('PostgreSQL 127.0.0.1:5432', 'psql', [...PSQL, 'SELECT 1']),
    check('MariaDB 127.0.0.1:3306', 'mysql', [...MYSQL, 'SELECT 1']),
    check('Redis 127.0.0.1:6379', 'redis-cli', ['-h', REDIS.host, '-p', String(REDIS.port), 'ping']),
  ]);
  return { postgres, mariadb, redis };
}

/** Drops scratch databases left by live runs that died before cleaning up (their PID is gone). */
export async function dropStaleScratchDatabases(): Promise<string[]> {
  const dropped: string[] = [];
  const stale = (name: string) => {
    const m = /^e2e_.*_(\d+)_[0-9a-f]{6}$/.exec(name);
    return m !== null && !isAlive(Number(m[1]));
  };
  const pg = await runCommand(
    'psql',
    [
      '-h',
      POSTGRES.host,
      '-p',
      String(POSTGRES.port),
      '-U',
      POSTGRES.user,
      '-w',
      '-d',
      'postgres',
      '-tAc',
      "SELECT datname FROM pg_database WHERE datname LIKE 'e2e\\_%'",
    ],
    { timeoutMs: 20_000 },
  );
  if (pg.code === 0) {
    for (const name of pg.output
      .split('\n')
      .map((l) => l.trim())
      .filter(stale)) {
      await sql('postgres', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(
        () => dropped.push(name),
        () => {},
      );
    }
  }
  const my = await runCommand(
    'mysql',
    ['-h', MARIADB.host, '-P', String(MARIADB.port), '-u', MARIADB.user, '-N', '-B', '-e', "SHOW DATABASES LIKE 'e2e\\_%'"],
    { timeoutMs: 20_000 },
  );
  if (my.code === 0) {
    for (const name of my.output
      .split('\n')
      .map((l) => l.trim())
      .filter(stale)) {
      await sql('mariadb', `DROP DATABASE IF EXISTS \`${name}\``).then(
        () => dropped.push(name),
        () => {},
      );
    }
  }
  return dropped;
}
