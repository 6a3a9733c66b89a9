// `nginx -t` on a generated project, as the proxy container would load it, without touching this machine:
// inside `unshare --mount --net --fork` (private mounts, an empty network with only loopback) we bind-mount
//   - a hosts file mapping every compose service to 127.0.0.1 (upstream names are resolved at load time),
//   - passwd/group copies with the `nginx` user of the official image,
//   - /etc/nginx: a copy of this machine's (for mime.types) with the official image's nginx.conf and an
//     empty conf.d, so only what compose mounts is loaded,
//   - every bind mount of the compose `proxy` service at its container path (certificates: self-signed test
//     ones made with openssl when the project has none, as in a fresh checkout),
//   - tmpfs on /run, /var/log/nginx and nginx's temp folders (nothing is written to this machine).
// `nginx -T` then checks the configuration and dumps what it loaded: a file compose mounts somewhere nginx
// does not include (a wrong path) fails the check instead of passing silently. Warnings fail it too.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  type BindMount,
  type CheckResult,
  type Mode,
  bindMounts,
  composeService,
  formatOutput,
  hostOf,
  hostPathOf,
  readCompose,
  requireTool,
  run,
  scratch,
  selfSignedCertificate,
} from './common.js';

/** The official image's /etc/nginx/nginx.conf (nginx:1.28-alpine), which includes conf.d/*.conf in http {}. */
export const OFFICIAL_NGINX_CONF = `user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;

    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
`;

/** The image's `nginx` user, given an id that is free here so nothing it creates maps to a real account. */
function nginxUser(passwd: string, group: string): { passwd: string; group: string } {
  const used = new Set([...passwd.matchAll(/^[^:]*:[^:]*:(\d+):/gm), ...group.matchAll(/^[^:]*:[^:]*:(\d+):/gm)].map((m) => Number(m[1])));
  let id = 101;
  while (used.has(id)) id++;
  return { passwd: `nginx:x:${id}:${id}:nginx:/var/cache/nginx:/sbin/nologin`, group: `nginx:x:${id}:nginx` };
}

/**
 * Where this machine's nginx writes (its temp folders under /var/lib/nginx are created at load, even by -t):
 * tmpfs inside the namespace, so a check never writes to the host.
 */
const NGINX_TMPFS = ['/run', '/var/log/nginx', '/var/lib/nginx'];

function hostNginxVersion(nginx: string): [number, number, number] {
  const m = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(run(nginx, ['-v']).output);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

const older = (a: number[], b: number[]) => {
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! < b[i]!;
  return false;
};

/**
 * The image runs a newer nginx than Debian's. The templates use two newer features; for an older nginx here
 * they are checked in their old form, and the output says so:
 *   `http2 on;` (1.25.1) -> `listen ... ssl http2;`
 *   `server host:port resolve;` in an upstream (1.27.3) -> without `resolve` (resolved once, at load).
 */
export function downlevel(text: string, version: number[], notes: string[]): string {
  let out = text;
  if (older(version, [1, 25, 1]) && /^\s*http2\s+on;/m.test(out)) {
    notes.push(`nginx ${version.join('.')} here predates "http2 on;" (1.25.1): checked as "listen ... ssl http2;"`);
    out = out.replace(/^(\s*)http2\s+on;\s*$/gm, '$1# http2 on; (moved to listen)').replace(/^(\s*listen\s+[^;]*\bssl\b)([^;]*);/gm, '$1 http2$2;');
  }
  if (older(version, [1, 27, 3]) && /^\s*server\s+[^;]*\sresolve\b[^;]*;/m.test(out)) {
    notes.push(`nginx ${version.join('.')} here predates "server ... resolve" in upstreams (1.27.3): checked without "resolve"`);
    out = out.replace(/^(\s*server\s+[^;]*?)\s+resolve\b([^;]*;)/gm, '$1$2');
  }
  return out;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface NginxNamespace {
  /** Shell lines (sh) that set the namespace up; run after `set -e` inside `unshare`. */
  setup: string[];
  /** Files compose mounts under /etc/nginx that nginx must load (container paths). */
  mountedConfs: string[];
  /** `server` addresses of upstream blocks in the mounted configs, and the compose services. */
  upstreamHosts: Array<{ address: string; host: string; file: string }>;
  services: string[];
  notes: string[];
  /** Scratch folder (removed by done). */
  dir: string;
  done(): void;
}

/** Prepares the mounts that make the `proxy` service's nginx loadable here (see the file comment). */
export function prepareNginxNamespace(projectDir: string, mode: Mode): NginxNamespace {
  const nginx = requireTool('nginx');
  requireTool('unshare');
  requireTool('ip');
  requireTool('openssl');
  const version = hostNginxVersion(nginx);
  const s = scratch('nginx');
  const notes: string[] = [];
  const setup: string[] = ['ip link set lo up'];
  const T = s.dir;

  try {
    const compose = readCompose(projectDir, mode);
    const proxy = composeService(compose, 'proxy', mode === 'dev' ? 'compose.yaml' : 'compose.prod.yaml');
    const mounts = bindMounts(projectDir, proxy);

    // Every service name (and localhost) resolves to loopback, as the compose network would resolve them.
    const names = Object.keys(compose.services).sort();
    writeFileSync(join(T, 'hosts'), `127.0.0.1\tlocalhost ${names.join(' ')}\n::1\tlocalhost\n`);
    const passwd = readFileSync('/etc/passwd', 'utf8');
    const group = readFileSync('/etc/group', 'utf8');
    const user = nginxUser(passwd, group);
    writeFileSync(join(T, 'passwd'), /^nginx:/m.test(passwd) ? passwd : `${passwd.trimEnd()}\n${user.passwd}\n`);
    writeFileSync(join(T, 'group'), /^nginx:/m.test(group) ? group : `${group.trimEnd()}\n${user.group}\n`);
    setup.push(
      `mount --bind ${q(join(T, 'hosts'))} /etc/hosts`,
      `mount --bind ${q(join(T, 'passwd'))} /etc/passwd`,
      `mount --bind ${q(join(T, 'group'))} /etc/group`,
    );

    // /etc/nginx: this machine's files (mime.types ...) with the image's nginx.conf and nothing in conf.d.
    const etc = join(T, 'etc-nginx');
    cpSync('/etc/nginx', etc, { recursive: true, dereference: true });
    writeFileSync(join(etc, 'nginx.conf'), OFFICIAL_NGINX_CONF);
    for (const d of ['conf.d', 'sites-enabled', 'sites-available', 'modules-enabled', 'modules-available'])
      rmSync(join(etc, d), { recursive: true, force: true });
    mkdirSync(join(etc, 'conf.d'));

    // Container paths outside /etc/nginx that do not exist here are made in a copy of their nearest
    // existing parent, bind-mounted over it inside the namespace (this machine is never changed).
    const shadows = new Map<string, string>();
    const ensureTarget = (target: string, isDir: boolean) => {
      let local: string;
      if (target === '/etc/nginx' || target.startsWith('/etc/nginx/')) {
        local = join(etc, relative('/etc/nginx', target));
      } else if (existsSync(target)) {
        return;
      } else {
        let parent = dirname(target);
        while (!existsSync(parent)) parent = dirname(parent);
        if (parent.split('/').filter(Boolean).length < 2) throw new Error(`cannot prepare ${target}: its nearest existing parent ${parent} is too close to /`);
        let copy = shadows.get(parent);
        if (!copy) {
          copy = join(T, 'shadow', String(shadows.size));
          cpSync(parent, copy, { recursive: true });
          shadows.set(parent, copy);
        }
        local = join(copy, relative(parent, target));
      }
      if (isDir) mkdirSync(local, { recursive: true });
      else if (!existsSync(local)) {
        mkdirSync(dirname(local), { recursive: true });
        writeFileSync(local, '');
      }
    };

    // The sources: a missing one is created empty by Docker (short syntax); .conf files may be downlevelled.
    const mountedConfs: string[] = [];
    const sources = new Map<BindMount, string>();
    for (const m of mounts) {
      let src = m.source;
      if (!existsSync(src)) {
        src = join(T, 'created', m.target);
        mkdirSync(src, { recursive: true });
        notes.push(`${relative(projectDir, m.source)} does not exist: mounted as an empty folder, as Docker would create it`);
      } else if (statSync(src).isFile() && m.target.endsWith('.conf')) {
        const text = readFileSync(src, 'utf8');
        const adjusted = downlevel(text, version, notes);
        if (adjusted !== text) {
          src = join(T, 'downlevel', m.target);
          mkdirSync(dirname(src), { recursive: true });
          writeFileSync(src, adjusted);
        }
        mountedConfs.push(m.target);
      }
      sources.set(m, src);
    }

    // Certificates the configuration names must come from a mount; a missing pair is made for the test.
    const confText = mounts
      .filter((m) => m.target.endsWith('.conf') && existsSync(m.source))
      .map((m) => readFileSync(m.source, 'utf8'))
      .join('\n');
    const certPaths = [...confText.matchAll(/^\s*ssl_certificate(_key)?\s+([^;\s]+);/gm)];
    const pairs = new Map<string, { cert?: string; key?: string }>();
    for (const [, isKey, path] of certPaths) {
      const dir = dirname(path!);
      const pair = pairs.get(dir) ?? {};
      pair[isKey ? 'key' : 'cert'] = path!;
      pairs.set(dir, pair);
    }
    for (const [dir, pair] of pairs) {
      const mount = mounts.filter((m) => dir === m.target || dir.startsWith(`${m.target}/`)).sort((a, b) => b.target.length - a.target.length)[0];
      if (!mount) throw new Error(`certificate folder ${dir} is not mounted into the proxy by compose`);
      const src = sources.get(mount)!;
      const local = hostPathOf([{ ...mount, source: src }], pair.cert ?? pair.key!)!;
      const localKey = pair.key ? hostPathOf([{ ...mount, source: src }], pair.key) : undefined;
      if (existsSync(local) && (!localKey || existsSync(localKey))) continue;
      const copy = join(T, 'certs', mount.target);
      cpSync(src, copy, { recursive: true });
      sources.set(mount, copy);
      const cert = hostPathOf([{ ...mount, source: copy }], pair.cert ?? `${dir}/fullchain.pem`)!;
      const key = hostPathOf([{ ...mount, source: copy }], pair.key ?? `${dir}/privkey.pem`)!;
      mkdirSync(dirname(cert), { recursive: true });
      selfSignedCertificate(key, cert, 'localhost');
      notes.push(`no certificate in ${relative(projectDir, mount.source) || '.'}: a self-signed test pair was made for ${pair.cert} and ${pair.key}`);
    }

    for (const dir of NGINX_TMPFS)
      if (!existsSync(dir)) throw new Error(`${dir} is missing: the Debian nginx package creates it (apt-get install --reinstall nginx-common)`);
    for (const m of mounts) ensureTarget(m.target, statSync(sources.get(m)!).isDirectory());

    for (const [parent, copy] of [...shadows].sort((a, b) => a[0].length - b[0].length)) setup.push(`mount --bind ${q(copy)} ${q(parent)}`);
    for (const dir of NGINX_TMPFS) setup.push(`mount -t tmpfs tmpfs ${dir}`);
    setup.push(`mount --bind ${q(etc)} /etc/nginx`);
    for (const m of [...mounts].sort((a, b) => a.target.length - b.target.length)) {
      setup.push(`mount --bind${m.readOnly ? ' -o ro' : ''} ${q(sources.get(m)!)} ${q(m.target)}`);
    }
    const upstreamHosts = mounts
      .filter((m) => m.target.endsWith('.conf') && existsSync(m.source) && statSync(m.source).isFile())
      .flatMap((m) =>
        [...readFileSync(m.source, 'utf8').matchAll(/upstream\s+\S+\s*\{([^}]*)\}/g)].flatMap((u) =>
          [...u[1]!.matchAll(/^\s*server\s+([^\s;]+)/gm)].map((sv) => ({ address: sv[1]!, host: hostOf(sv[1]!), file: relative(projectDir, m.source) })),
        ),
      )
      .filter((u) => !/^(unix:|127\.|\[)/.test(u.address));
    return { setup, mountedConfs, upstreamHosts, services: names, notes, dir: T, done: s.done };
  } catch (err) {
    s.done();
    throw err;
  }
}

/** Runs a shell script inside a fresh mount+network namespace (root needed, as on these machines). */
export function inNamespace(script: string, timeoutMs = 30_000, extraArgs: string[] = []) {
  const unshare = requireTool('unshare');
  return run(unshare, ['--mount', '--net', '--pid', '--mount-proc', '--propagation', 'private', '--fork', '--kill-child', ...extraArgs, 'sh', '-c', script], {
    timeoutMs,
  });
}

/** `nginx -t` (as `nginx -T`) on the `proxy` service of a generated project in `mode`. */
export function nginxTest(projectDir: string, mode: Mode): CheckResult {
  const ns = prepareNginxNamespace(projectDir, mode);
  try {
    const dump = join(ns.dir, 'dump.txt');
    const msgs = join(ns.dir, 'messages.txt');
    // -T: test, then dump every file loaded (stdout); messages (syntax ok / warnings / errors) go to stderr.
    const script = ['set -e', ...ns.setup, 'set +e', `nginx -T >${q(dump)} 2>${q(msgs)}`, 'code=$?', `cat ${q(msgs)}`, 'exit $code'].join('\n');
    const r = inNamespace(script);
    const problems: string[] = [];
    if (r.code !== 0) problems.push(`nginx -t exited ${r.code}`);
    if (/\[(warn|emerg|alert|crit|error)\]/.test(r.output)) problems.push('nginx reported warnings or errors');
    const dumped = existsSync(dump) ? readFileSync(dump, 'utf8') : '';
    // With `resolve` (nginx 1.27.3+) an unknown upstream host no longer fails at load: check it here.
    for (const m of ns.upstreamHosts) {
      if (!ns.services.includes(m.host)) problems.push(`upstream server ${m.address} (${m.file}) is not a compose service (${ns.services.join(', ')})`);
    }
    if (r.code === 0) {
      for (const conf of ns.mountedConfs) {
        if (!dumped.includes(`# configuration file ${conf}:`)) problems.push(`compose mounts ${conf} but nginx does not load it (not included by nginx.conf)`);
      }
    }
    return {
      ok: problems.length === 0,
      output: formatOutput([
        [`nginx -t (${mode}) in ${r.ms} ms`, r.output],
        ...(ns.notes.length ? [['notes', ns.notes.join('\n')] as [string, string]] : []),
        ...(problems.length ? [['problems', problems.join('\n')] as [string, string]] : []),
      ]),
    };
  } finally {
    ns.done();
  }
}
