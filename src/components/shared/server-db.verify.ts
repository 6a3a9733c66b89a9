// The live tier's side of a database server (PostgreSQL, MySQL, MariaDB): two scratch databases on the real
// server of this machine (the app's and the CI job's), the credentials compose passes, and the CI job's URL.
import { parseUrl, rewriteUrl } from '../../../test/support/live/env.js';
import { MARIADB, POSTGRES, scratchDatabase, tcpAnswers } from '../../../test/support/live/servers.js';
import type { LiveDependency } from '../verify-kit.js';

export interface ServerDbLive {
  /** The server of this machine that plays it: PostgreSQL, or MariaDB for the MySQL family. */
  server: 'postgres' | 'mariadb';
  /** The image's variables, as the component names them. */
  prefix: string;
  dbVar: string;
  rootPassword: boolean;
  defaultPort: number;
}

export function serverDbLive(d: ServerDbLive): LiveDependency {
  const address = d.server === 'postgres' ? POSTGRES : MARIADB;
  return {
    async provide({ label }) {
      if (!(await tcpAnswers(address.host, address.port))) {
        throw new Error(
          `${d.server === 'postgres' ? 'PostgreSQL' : 'MariaDB'} does not answer on ${address.host}:${address.port}: start it (test/e2e/check-services.sh)`,
        );
      }
      const app = await scratchDatabase(d.server, `${label}_app`);
      const ci = await scratchDatabase(d.server, `${label}_ci`).catch(async (err) => {
        await app.drop();
        throw err;
      });
      return {
        target: { host: address.host, port: address.port },
        note: `${d.server === 'postgres' ? 'PostgreSQL' : 'MariaDB'} databases ${app.name}, ${ci.name}`,
        overrides: {
          [`${d.prefix}USER`]: app.user,
          [`${d.prefix}PASSWORD`]: app.password,
          [d.dbVar]: app.name,
          ...(d.rootPassword ? { [`${d.prefix}ROOT_PASSWORD`]: '' } : {}),
        },
        forApp: () => {},
        forCi: (env) => {
          if (env.DATABASE_URL) {
            env.DATABASE_URL = rewriteUrl(env.DATABASE_URL, {
              user: ci.user,
              password: ci.password,
              host: ci.host,
              port: String(ci.port),
              path: `/${ci.name}`,
            });
          }
        },
        stop: async () => {
          await app.drop();
          await ci.drop();
        },
      };
    },
    locate: (env) => {
      const u = parseUrl(env.DATABASE_URL ?? '');
      return { host: u?.host, port: Number(u?.port ?? d.defaultPort) };
    },
  };
}
