// The generated nginx config in front of the app, as a plain nginx process (no container, no namespace):
// a bench-only main config that mirrors the official image's nginx.conf (worker_processes auto,
// worker_connections 1024, sendfile, keepalive_timeout 65) with its pid, logs and temp folders in a scratch
// folder, and includes a COPY of the generated nginx/dev.conf in which only what cannot work outside compose
// is changed:
//   - `server web:<port> resolve;` -> `server 127.0.0.1:<app port>;` (no compose DNS here; `resolve` needs
//     nginx 1.27.3+, Debian's is older), and the `resolver 127.0.0.11` line (Docker's DNS) is dropped;
//   - `listen 80` -> `listen 127.0.0.1:<free port>`; the access log goes to the scratch folder.
// With `readiness: true` the copy also lets /health/ready through (`access_log off; proxy_pass http://app;`,
// like the generated /health location) instead of answering 404: the generated config hides it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, runCommand, start, stop, tail, waitFor, type Started } from '../../test/support/live/proc.js';

export interface BenchNginx {
  port: number;
  dir: string;
  process: Started;
  stop(): Promise<void>;
}

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text)) throw new Error(`nginx/dev.conf no longer has ${what} (${pattern}); update bench/support/nginx.ts`);
  return text.replace(pattern, replacement);
}

/** The bench copy of the generated nginx/dev.conf. */
export function benchDevConf(generated: string, appPort: number, listenPort: number, logDir: string, readiness: boolean): string {
  let conf = generated;
  conf = replaceOnce(conf, /^(\s*)server\s+web:\d+(\s+resolve)?\s*;/m, `$1server 127.0.0.1:${appPort};`, 'the upstream server web:<port>');
  conf = conf.replace(/^\s*resolver(_timeout)?\s[^;]*;\s*$/gm, '# (bench) resolver dropped: the upstream is an address');
  conf = replaceOnce(conf, /^(\s*)listen\s+80(\s+default_server)?\s*;/m, `$1listen 127.0.0.1:${listenPort}$2;`, 'listen 80');
  conf = conf.replace(/access_log\s+\/var\/log\/nginx\/access\.log/g, `access_log ${join(logDir, 'access.log')}`);
  if (readiness) {
    conf = replaceOnce(
      conf,
      /location\s*=\s*\/health\/ready\s*\{\s*return\s+404;\s*\}/,
      'location = /health/ready { access_log off; proxy_pass http://app; } # (bench) let through',
      'location = /health/ready { return 404; }',
    );
  }
  const directives = conf.replace(/#.*$/gm, '');
  if (/\/var\/log\/nginx|web:\d+/.test(directives)) throw new Error('the bench copy of nginx/dev.conf still names /var/log/nginx or web:<port>');
  return conf;
}

export function mainConf(dir: string): string {
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${join(dir, 'temp', t)};`).join('\n');
  return `# bench only: the official image's nginx.conf with every path in this scratch folder
${user}worker_processes auto;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} notice;

events {
    worker_connections 1024;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log ${join(dir, 'access.log')};
    sendfile on;
    keepalive_timeout 65;
${temp}

    include ${join(dir, 'default.conf')};
}
`;
}

/** Starts nginx with the bench copy of `projectDir`/nginx/dev.conf in front of 127.0.0.1:`appPort`. */
export async function startNginx(projectDir: string, appPort: number, dir: string, readiness: boolean): Promise<BenchNginx> {
  mkdirSync(join(dir, 'temp'), { recursive: true });
  const port = await freePort();
  writeFileSync(join(dir, 'default.conf'), benchDevConf(readFileSync(join(projectDir, 'nginx/dev.conf'), 'utf8'), appPort, port, dir, readiness));
  writeFileSync(join(dir, 'nginx.conf'), mainConf(dir));
  const args = ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')];
  const check = await runCommand('nginx', [...args, '-t', '-q'], { timeoutMs: 20_000 });
  if (check.code !== 0) throw new Error(`nginx -t rejected the bench config in ${dir}:\n${check.output}`);
  const p = start('nginx', [...args, '-g', 'daemon off;'], { log: join(dir, 'nginx.log'), group: true });
  const stopIt = async () => void (await stop(p, { signal: 'SIGQUIT', graceMs: 5000 }));
  try {
    await waitFor(`nginx on 127.0.0.1:${port}`, 10_000, async () => {
      if (!p.running()) throw new Error(`nginx exited ${await p.exited}`);
      const r = await fetch(`http://127.0.0.1:${port}/nginx-health`).catch(() => undefined);
      return r?.status === 200 ? true : undefined;
    });
  } catch (err) {
    await stopIt();
    throw new Error(`${(err as Error).message}\n${tail(join(dir, 'error.log'))}\n${tail(join(dir, 'nginx.log'))}`);
  }
  return { port, dir, process: p, stop: stopIt };
}
