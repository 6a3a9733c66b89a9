// The live tier's side of a Redis-protocol cache: a server for the stack, and the app's URL pointed at it.
import { parseUrl, rewriteUrl } from '../../../test/support/live/env.js';
import type { LiveDependency } from '../verify-kit.js';

export interface RedisProtocolServer {
  host: string;
  port: number;
  /** The database number this stack uses (stacks may share a server). */
  index: number;
  note: string;
  stop(): Promise<void>;
}

/** `id` names the variables as the component does (VALKEY_URL, VALKEY_PASSWORD); `serve` provides the server. */
export function redisProtocolLive(id: string, serve: (ctx: { logDir: string; index: number }) => Promise<RedisProtocolServer>): LiveDependency {
  const urlVar = `${id.toUpperCase()}_URL`;
  return {
    async provide(ctx) {
      const s = await serve(ctx);
      return {
        target: { host: s.host, port: s.port },
        note: s.note,
        // The scratch server has no password.
        overrides: { [`${id.toUpperCase()}_PASSWORD`]: '' },
        forApp: (env) => {
          if (env[urlVar]) env[urlVar] = rewriteUrl(env[urlVar]!, { path: `/${s.index}` });
        },
        forCi: (env) => {
          if (env[urlVar]) env[urlVar] = `redis://${s.host}:${s.port}/${s.index}`;
        },
        stop: s.stop,
      };
    },
    locate: (env) => {
      const u = parseUrl(env[urlVar] ?? '');
      return { host: u?.host, port: Number(u?.port ?? 6379) };
    },
  };
}
