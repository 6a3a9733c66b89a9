// wrk runs against loopback only, always bounded in time, and its --latency report parsed.
import { runCommand } from '../../test/support/live/proc.js';

export interface WrkOptions {
  threads: number;
  connections: number;
  /** Seconds; capped at 5. */
  seconds: number;
}

export interface WrkResult {
  url: string;
  rps: number;
  p50ms: number;
  p99ms: number;
  requests: number;
  /** Non-2xx/3xx responses plus socket errors: anything but a clean answer. */
  errors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latency(text: string, pct: string): number {
  const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text);
  if (!m) throw new Error(`wrk printed no ${pct}% latency:\n${text}`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export function parseWrk(url: string, text: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text);
  const total = /^\s*(\d+) requests in/m.exec(text);
  if (!rps || !total) throw new Error(`unexpected wrk output:\n${text}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = Number(non2xx?.[1] ?? 0) + (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { url, rps: Number(rps[1]), p50ms: latency(text, '50'), p99ms: latency(text, '99'), requests: Number(total[1]), errors };
}

export async function wrk(url: string, o: WrkOptions): Promise<WrkResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`wrk only targets 127.0.0.1 here, not ${url}`);
  const seconds = Math.max(1, Math.min(5, Math.round(o.seconds)));
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${seconds}s`, '--timeout', '5s', '--latency', url];
  const r = await runCommand('wrk', args, { timeoutMs: (seconds + 15) * 1000 });
  if (r.code !== 0) throw new Error(`wrk ${args.join(' ')} failed (${r.code}):\n${r.output}`);
  return parseWrk(url, r.output);
}
