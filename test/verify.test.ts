// The validators must be able to fail: for every kind of check, a deliberately broken project (a good
// generated one, changed in memory, or a broken file from test/fixtures/broken) and the problem it must raise.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { type Answers, defaultsFor } from '../src/answers/options.js';
import { CHECK_IDS, type CheckId } from './verify/checks.js';
import { durationSeconds, parsePort } from './verify/compose.js';
import { isIgnored, parseDockerignore } from './verify/dockerignore.js';
import { formatProblem, verifyProject } from './verify/index.js';
import { scanInterpolation } from './verify/interpolation.js';
import { type Problem, type Project, cloneProject, renderTolerant } from './verify/project.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/broken/${name}`, import.meta.url), 'utf8');

// Good projects to break, rendered once.
const bases = new Map<string, { project: Project; problems: Problem[] }>();
function base(overrides: Partial<Answers> = {}): { project: Project; problems: Problem[] } {
  const key = JSON.stringify(overrides);
  let b = bases.get(key);
  if (!b) {
    const { project } = renderTolerant({ ...defaultsFor('my-service'), ...overrides });
    b = { project, problems: verifyProject(project) };
    bases.set(key, b);
  }
  return b;
}

const key = (p: Problem) => `${p.check} ${p.file} ${p.message}`;
const fired = new Set<CheckId>();

/** Breaks a good project and asserts the validators report `check` (a problem the good one did not have). */
function breaks(name: string, check: CheckId, mutate: (p: Project) => void, options: { answers?: Partial<Answers>; message?: RegExp } = {}): void {
  test(`${check}: ${name}`, () => {
    const good = base(options.answers);
    const broken = cloneProject(good.project);
    mutate(broken);
    const before = new Set(good.problems.map(key));
    const found = verifyProject(broken).filter((p) => !before.has(key(p)));
    const hits = found.filter((p) => p.check === check && (!options.message || options.message.test(p.message)));
    assert.ok(
      hits.length > 0,
      `expected a ${check} problem${options.message ? ` matching ${options.message}` : ''}; new problems:\n  ${found.map(formatProblem).join('\n  ') || '(none)'}`,
    );
    fired.add(check);
  });
}

function edit(p: Project, file: string, change: (text: string) => string): void {
  const text = p.files.get(file);
  if (text === undefined) throw new Error(`fixture: ${file} is not in the project`);
  const changed = change(text);
  if (changed === text) throw new Error(`fixture: the change to ${file} changed nothing`);
  p.files.set(file, changed);
}

function editYaml(p: Project, file: string, change: (doc: any) => void): void {
  edit(p, file, (text) => {
    const doc = parse(text);
    change(doc);
    return stringify(doc);
  });
}

// ---- rendering ----
breaks('EJS left in the output', 'render', (p) => edit(p, 'app/main.py', (t) => `${t}\n# <%= answers.name %>\n`));
breaks('"undefined" in the output', 'render', (p) => edit(p, 'prometheus/prometheus.yml', (t) => t.replace('web:8000', 'web:undefined')), {
  message: /undefined/,
});

// ---- compose ----
breaks('unknown key helthcheck', 'compose.schema', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.db.helthcheck = d.services.db.healthcheck)), {
  message: /helthcheck/,
});
breaks('ports is not a list', 'compose.schema', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.web.ports = '8000')));
breaks('compose file is not YAML', 'compose.schema', (p) => p.files.set('compose.prod.yaml', fixture('bad.yaml')));
breaks(
  'depends_on an undefined service',
  'compose.depends-on',
  (p) => editYaml(p, 'compose.yaml', (d) => (d.services.web.depends_on.queue = { condition: 'service_started' })),
  { message: /"queue"/ },
);
breaks('depends_on cycle', 'compose.depends-on', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.db.depends_on = ['web'])), { message: /cycle/ });
breaks('unknown condition', 'compose.depends-on', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.web.depends_on.db.condition = 'service_ready')));
breaks('one-shot service that restarts', 'compose.depends-on', (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.services.migrate.restart = 'always')), {
  message: /complete/,
});
breaks('service_healthy on a service without healthcheck', 'compose.healthy-dependency', (p) =>
  editYaml(p, 'compose.yaml', (d) => delete d.services.db.healthcheck),
);
breaks('healthcheck timeout above interval', 'compose.healthcheck', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.db.healthcheck.timeout = '30s')));
breaks('CMD-SHELL with two strings', 'compose.healthcheck', (p) =>
  editYaml(p, 'compose.prod.yaml', (d) => (d.services.db.healthcheck.test = ['CMD-SHELL', 'pg_isready', '-q'])),
);
breaks('undeclared named volume', 'compose.volumes', (p) => editYaml(p, 'compose.yaml', (d) => d.services.db.volumes.push('pgsocket:/var/run/postgresql')), {
  message: /pgsocket/,
});
breaks('declared volume nobody mounts', 'compose.volumes', (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.volumes.spare = {})), { message: /spare/ });
breaks('bind mount of a missing file', 'compose.bind-mounts', (p) =>
  editYaml(p, 'compose.prod.yaml', (d) => (d.services.proxy.volumes[0] = './nginx/missing.conf:/etc/nginx/conf.d/default.conf:ro')),
);
breaks('watch sync over a bind mount', 'compose.watch-overlap', (p) =>
  editYaml(p, 'compose.yaml', (d) => d.services.web.develop.watch.push({ action: 'sync', path: './app', target: '/app/app' })),
);
breaks(
  'capabilities added without dropping the rest',
  'compose.prod-hardening',
  (p) => editYaml(p, 'compose.prod.yaml', (d) => delete d.services.proxy.cap_drop),
  {
    message: /proxy adds CHOWN, SETGID, SETUID without cap_drop ALL/,
  },
);
breaks(
  'a password back in the environment',
  'compose.prod-secrets',
  (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.services.db.environment.POSTGRES_PASSWORD = '${POSTGRES_PASSWORD:?set it}')),
  { message: /db's POSTGRES_PASSWORD puts POSTGRES_PASSWORD in the container's environment/ },
);
breaks(
  'a URL with the password in the app environment',
  'compose.prod-secrets',
  (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.services.web.environment.REDIS_URL = 'redis://:${REDIS_PASSWORD}@cache:6379/0')),
  { message: /web's REDIS_URL puts REDIS_PASSWORD/ },
);
breaks('a secret file read but not mounted', 'compose.prod-secrets', (p) => editYaml(p, 'compose.prod.yaml', (d) => d.services.cache.secrets.pop()), {
  message: /cache reads \/run\/secrets\/redis_password, a secret it does not mount/,
});
breaks('a secret deploy does not write', 'compose.prod-secrets', (p) => edit(p, 'scripts/lib.sh', (t) => t.replace(/^\s*secret "\$1" database_url .*$/m, '')), {
  message: /database_url is not written by scripts\/lib.sh/,
});
breaks('proxy on the backend network', 'compose.prod-networks', (p) => editYaml(p, 'compose.prod.yaml', (d) => d.services.proxy.networks.push('backend')), {
  message: /entry point proxy shares network backend with db/,
});
breaks('backend not internal', 'compose.prod-networks', (p) => editYaml(p, 'compose.prod.yaml', (d) => delete d.networks.backend.internal), {
  message: /not internal/,
});
breaks('a dependency on no shared network', 'compose.prod-networks', (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.services.cache.networks = ['egress'])), {
  message: /web depends on cache but shares no network with it/,
});
breaks('an undeclared network', 'compose.prod-networks', (p) => editYaml(p, 'compose.prod.yaml', (d) => d.services.db.networks.push('storage')), {
  message: /storage/,
});
// Kubernetes: one fixture per way the manifests can drift from the restricted standard or from the project.
const K8S = { answers: { extras: ['worker', 'kubernetes'] } };
const editDocs = (p: Project, file: string, change: (docs: any[]) => void) =>
  edit(p, file, (text) => {
    const docs = text.split(/^---\n/m).map((t) => parse(t));
    change(docs);
    return docs.map((d) => stringify(d)).join('---\n');
  });
const webContainer = (d: any) => d[0].spec.template.spec.containers[0];
breaks(
  'a writable root filesystem',
  'k8s.pod-security',
  (p) => editDocs(p, 'k8s/base/web.yaml', (d) => (webContainer(d).securityContext.readOnlyRootFilesystem = false)),
  {
    ...K8S,
    message: /readOnlyRootFilesystem/,
  },
);
breaks(
  'privilege escalation allowed',
  'k8s.pod-security',
  (p) => editDocs(p, 'k8s/base/worker.yaml', (d) => delete webContainer(d).securityContext.allowPrivilegeEscalation),
  {
    ...K8S,
    message: /allowPrivilegeEscalation/,
  },
);
breaks(
  'an added capability',
  'k8s.pod-security',
  (p) => editDocs(p, 'k8s/base/web.yaml', (d) => (webContainer(d).securityContext.capabilities.add = ['NET_ADMIN'])),
  {
    ...K8S,
    message: /NET_ADMIN/,
  },
);
breaks(
  'another UID than the image',
  'k8s.pod-security',
  (p) => editDocs(p, 'k8s/base/migrate.yaml', (d) => (webContainer(d).securityContext.runAsUser = 1000)),
  {
    ...K8S,
    message: /UID 1000, the image's user is 10001/,
  },
);
breaks(
  'the service-account token mounted',
  'k8s.pod-security',
  (p) => editDocs(p, 'k8s/base/web.yaml', (d) => delete d[0].spec.template.spec.automountServiceAccountToken),
  {
    ...K8S,
    message: /service-account token/,
  },
);
breaks(
  'readiness on the liveness path',
  'k8s.wiring',
  (p) => editDocs(p, 'k8s/base/web.yaml', (d) => (webContainer(d).readinessProbe.httpGet.path = '/health')),
  {
    ...K8S,
    message: /readinessProbe is \/health/,
  },
);
breaks('another port', 'k8s.wiring', (p) => editDocs(p, 'k8s/base/web.yaml', (d) => (webContainer(d).ports[0].containerPort = 9000)), {
  ...K8S,
  message: /9000/,
});
breaks(
  'a variable compose gives the app is missing',
  'k8s.wiring',
  (p) => edit(p, 'k8s/overlays/production/secrets.env.example', (t) => t.replace(/^DATABASE_URL=.*\n/m, '')),
  {
    ...K8S,
    message: /missing DATABASE_URL/,
  },
);
breaks('build of a missing Dockerfile', 'compose.bind-mounts', (p) => p.files.delete('Dockerfile'), { message: /Dockerfile/ });
breaks('restart: sometimes', 'compose.restart', (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.services.cache.restart = 'sometimes')));
breaks('interval: 5 seconds', 'compose.duration', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.cache.healthcheck.interval = '5 seconds')));
breaks('stop_grace_period as a number', 'compose.duration', (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.services.web.stop_grace_period = 30)));
breaks('port out of range', 'compose.ports', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.db.ports = ['127.0.0.1:99999:5432'])), { message: /99999/ });
breaks('malformed port', 'compose.ports', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.db.ports = ['127.0.0.1:5432:5432:tcp'])));
breaks('host port published twice', 'compose.ports', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.cache.ports = ['127.0.0.1:5432:6379'])), {
  message: /both/,
});
breaks('latest tag', 'compose.image-tag', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.db.image = 'postgres:latest')), { message: /latest/ });
breaks('untagged image', 'compose.image-tag', (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.services.cache.image = 'redis')), { message: /no tag/ });
breaks('tag defaulting to latest', 'compose.image-tag', (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.services.web.image = '${IMAGE:?x}:${TAG:-latest}')));
breaks('a lone $ in a command', 'compose.interpolation', (p) =>
  editYaml(p, 'compose.yaml', (d) => (d.services.cache.healthcheck.test = ['CMD-SHELL', 'redis-cli ping | grep -q $1'])),
);
breaks(
  'undefined ${VAR}',
  'compose.env-defined',
  (p) => editYaml(p, 'compose.yaml', (d) => (d.services.web.environment.FEATURE_FLAGS = '${FEATURE_FLAGS:-}')),
  { message: /FEATURE_FLAGS/ },
);
breaks(
  'undefined ${VAR:?msg} in production',
  'compose.env-defined',
  (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.services.web.environment.API_TOKEN = '${API_TOKEN:?set it}')),
  { message: /API_TOKEN/ },
);
breaks('required variable missing from .env', 'compose.env-defined', (p) => edit(p, '.env', (t) => t.replace(/^REDIS_PASSWORD=.*$/m, '')), {
  message: /REDIS_PASSWORD.*\.env/,
});
breaks(
  'IMAGE neither documented nor set by deploy',
  'compose.env-defined',
  (p) => {
    p.files.delete('scripts/deploy.sh');
    edit(p, '.env.prod.example', (t) => `${t}\n`.replace(/^(IMAGE|TAG)=.*$/gm, ''));
  },
  { message: /IMAGE/ },
);
breaks(
  'URL to a host that is no service',
  'compose.service-refs',
  (p) => edit(p, 'scripts/lib.sh', (t) => t.replace(/(secret "\$1" database_url "[^"]*)@db:/, '$1@database:')),
  { message: /web: DATABASE_URL_FILE points at host "database"/ },
);
breaks('published db port in production', 'compose.prod-exposure', (p) => editYaml(p, 'compose.prod.yaml', (d) => (d.services.db.ports = ['5432:5432'])), {
  message: /db publishes/,
});
breaks('published grafana port in production', 'compose.prod-exposure', (p) =>
  editYaml(p, 'compose.prod.yaml', (d) => (d.services.grafana.ports = ['3000:3000'])),
);
breaks('no public entry point without a proxy', 'compose.prod-exposure', (p) => editYaml(p, 'compose.prod.yaml', (d) => delete d.services.web.ports), {
  answers: { proxy: 'none' },
});
breaks('web not read-only in production', 'compose.prod-hardening', (p) => editYaml(p, 'compose.prod.yaml', (d) => delete d.services.web.read_only), {
  message: /read_only/,
});
breaks('web keeps its capabilities', 'compose.prod-hardening', (p) => editYaml(p, 'compose.prod.yaml', (d) => delete d.services.web.cap_drop), {
  message: /cap_drop/,
});
breaks('web without limits', 'compose.prod-hardening', (p) => editYaml(p, 'compose.prod.yaml', (d) => delete d.services.web.deploy), { message: /limit/ });
breaks('migrate keeps its capabilities', 'compose.prod-hardening', (p) => editYaml(p, 'compose.prod.yaml', (d) => delete d.services.migrate.cap_drop), {
  message: /migrate runs the app's image without cap_drop ALL/,
});
breaks(
  'a service without a PIDs limit',
  'compose.prod-hardening',
  (p) => editYaml(p, 'compose.prod.yaml', (d) => delete d.services.cache.deploy.resources.limits.pids),
  {
    message: /cache has no PIDs limit/,
  },
);
breaks('no log rotation', 'compose.prod-hardening', (p) => editYaml(p, 'compose.prod.yaml', (d) => delete d.services.prometheus.logging), {
  message: /logging/,
});
breaks('no no-new-privileges', 'compose.prod-hardening', (p) => editYaml(p, 'compose.prod.yaml', (d) => delete d.services.db.security_opt), {
  message: /no-new-privileges/,
});
breaks('dev port on every interface', 'compose.dev-loopback', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.db.ports = ['5432:5432'])));
breaks('web publishes another container port', 'compose.web-port', (p) => editYaml(p, 'compose.yaml', (d) => (d.services.web.ports = ['127.0.0.1:8000:9000'])));
breaks('dev command on another port', 'compose.web-port', (p) =>
  editYaml(p, 'compose.yaml', (d) => (d.services.web.command = ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '9000'])),
);

// ---- Dockerfile ----
const dockerfile = (change: (t: string) => string) => (p: Project) => edit(p, 'Dockerfile', change);
breaks(
  'healthcheck interval without unit',
  'dockerfile.lint',
  dockerfile((t) => t.replace(/--interval=\d+s/, '--interval=5')),
);
breaks(
  'unknown instruction',
  'dockerfile.lint',
  dockerfile((t) => t.replace('WORKDIR /app', 'WORKDIR /app\nCOPPY app ./app')),
);
breaks(
  'latest base image',
  'dockerfile.base-image',
  dockerfile((t) => t.replace(/FROM python:\S+/, 'FROM python:latest')),
  { message: /latest/ },
);
breaks(
  'python base of another version',
  'dockerfile.base-image',
  dockerfile((t) => t.replace(/FROM python:3\.14\S*/, 'FROM python:3.12.14-slim-trixie')),
  { message: /3\.14/ },
);
breaks(
  'COPY of a missing file',
  'dockerfile.copy-source',
  dockerfile((t) => t.replace(/^(COPY .*gunicorn\.conf\.py.*)$/m, '$1\nCOPY --chown=app:app settings.toml ./')),
  { message: /settings\.toml/ },
);
breaks(
  'COPY of a dockerignored file',
  'dockerfile.dockerignore',
  dockerfile((t) => t.replace(/^(COPY .*gunicorn\.conf\.py.*)$/m, '$1\nCOPY compose.yaml ./')),
  { message: /compose\.yaml/ },
);
breaks(
  'COPY . with .env not ignored',
  'dockerfile.dockerignore',
  (p) => edit(p, '.dockerignore', (t) => t.replace(/^\*$/m, '').replace(/^\*\*\/\.env.*$/gm, '')),
  { message: /\.env/ },
);
breaks(
  'COPY --from a missing stage',
  'dockerfile.copy-from',
  dockerfile((t) => t.replace('--from=builder', '--from=buidler')),
  { message: /buidler/ },
);
breaks(
  'COPY --from a later stage',
  'dockerfile.copy-from',
  dockerfile((t) => t.replace('--from=builder', '--from=production')),
  { message: /later/ },
);
breaks(
  'EXPOSE mismatch',
  'dockerfile.expose',
  dockerfile((t) => t.replace(/^EXPOSE 8000$/gm, 'EXPOSE 9000')),
  { message: /9000/ },
);
breaks(
  'EXPOSE out of range',
  'dockerfile.expose',
  dockerfile((t) => t.replace(/^EXPOSE 8000$/m, 'EXPOSE 99999')),
  { message: /99999/ },
);
breaks(
  'no HEALTHCHECK',
  'dockerfile.healthcheck',
  dockerfile((t) => t.replace(/^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, '')),
  { message: /no HEALTHCHECK/ },
);
breaks(
  'HEALTHCHECK of a missing module',
  'dockerfile.healthcheck',
  dockerfile((t) => t.replace('"app.healthcheck"', '"app.health_probe"')),
  { message: /app\/health_probe/ },
);
breaks(
  'HEALTHCHECK with curl the image lacks',
  'dockerfile.healthcheck',
  dockerfile((t) => t.replace('CMD ["python", "-m", "app.healthcheck"]', 'CMD ["curl", "-fsS", "http://127.0.0.1:8000/health"]')),
  { message: /curl/ },
);
breaks('compose healthcheck of a missing module', 'dockerfile.healthcheck', (p) =>
  editYaml(p, 'compose.prod.yaml', (d) => (d.services.web.healthcheck.test = ['CMD', 'python', '-m', 'app.probe'])),
);
breaks(
  'runs as root',
  'dockerfile.user',
  dockerfile((t) => t.replace(/^USER 10001:10001$/gm, 'USER root')),
  { message: /root/ },
);
breaks(
  'user without a fixed UID',
  'dockerfile.user',
  dockerfile((t) => t.replace(/--uid \d+ /, '')),
  { message: /no RUN in the runtime stage creates a user with UID 10001/ },
);
breaks(
  'no dev stage',
  'dockerfile.stages',
  dockerfile((t) => t.replace(/ AS dev$/m, ' AS develop').replace(/--from=dev\b/g, '--from=develop')),
  { message: /dev/ },
);

// ---- syntax ----
breaks('bad YAML', 'syntax.yaml', (p) => p.files.set('prometheus/alerts.yml', fixture('bad.yaml')));
breaks('duplicate YAML key', 'syntax.yaml', (p) => p.files.set('grafana/provisioning/dashboards/dashboards.yml', fixture('duplicate-key.yaml')));
breaks('bad JSON', 'syntax.json', (p) => p.files.set('grafana/dashboards/app.json', fixture('bad.json')));
breaks('Makefile recipe indented with spaces', 'syntax.makefile', (p) => edit(p, 'Makefile', (t) => t.replace(/^\t/m, '    ')), { message: /tab/ });
breaks('phony target without a rule', 'syntax.makefile', (p) => edit(p, 'Makefile', (t) => t.replace(/^\.PHONY: /m, '.PHONY: release ')), {
  message: /release/,
});
breaks('bad TOML', 'syntax.toml', (p) => p.files.set('pyproject.toml', fixture('bad.toml')));
breaks('Python syntax error', 'syntax.python', (p) => p.files.set('app/views_extra.py', fixture('bad.py')), { message: /line 2/ });
breaks('invalid escape in a Python string', 'syntax.python', (p) => p.files.set('app/patterns.py', fixture('invalid-escape.py')));
breaks('import nothing provides', 'python.imports', (p) => p.files.set('app/extra.py', 'import httpx_auth\n'), { message: /httpx_auth/ });
breaks('app imports a dev-only package', 'python.imports', (p) => p.files.set('app/extra.py', 'from pytest import fixture\n'), {
  message: /only the development dependencies/,
});
const script =
  (name: string, content: string, executable = true) =>
  (p: Project) => {
    p.files.set(`scripts/${name}`, content);
    if (executable) p.executable.add(`scripts/${name}`);
    else p.executable.delete(`scripts/${name}`);
  };
breaks('no strict mode', 'shell.header', script('check.sh', fixture('no-strict-mode.sh')), { message: /set -euo pipefail/ });
breaks('sh shebang with pipefail', 'shell.header', script('check.sh', fixture('sh-shebang.sh')), { message: /bash shebang/ });
breaks('script not executable', 'shell.header', script('check.sh', '#!/usr/bin/env bash\nset -euo pipefail\necho ok\n', false), { message: /executable/ });
breaks('bash syntax error', 'shell.syntax', script('check.sh', fixture('bad-syntax.sh')));

// ---- wiring ----
breaks('nginx upstream on another port', 'proxy.upstream', (p) => edit(p, 'nginx/prod.conf', (t) => t.replace(/\bweb:8000\b/g, 'web:9000')), {
  message: /web:9000/,
});
breaks('nginx upstream to another host', 'proxy.upstream', (p) => edit(p, 'nginx/dev.conf', (t) => t.replace(/\bweb:8000\b/g, 'app:8000')), {
  message: /app:8000/,
});
breaks('nginx braces', 'proxy.upstream', (p) => edit(p, 'nginx/dev.conf', (t) => `${t}\nlocation /x {\n`), { message: /braces/ });
breaks(
  'Caddy reverse_proxy on another port',
  'proxy.upstream',
  (p) => {
    for (const f of ['caddy/Caddyfile', 'caddy/Caddyfile.dev']) if (p.files.has(f)) edit(p, f, (t) => t.replace(/web:8000/g, 'web:8001'));
  },
  { answers: { proxy: 'caddy' }, message: /web:8001/ },
);
breaks('scrape target on another port', 'prometheus.config', (p) => edit(p, 'prometheus/prometheus.yml', (t) => t.replace('web:8000', 'web:9000')), {
  message: /web:9000|web:8000/,
});
breaks('missing rule file', 'prometheus.config', (p) => p.files.delete('prometheus/alerts.yml'), { message: /alerts\.yml/ });
breaks(
  'datasource on a host that is no service',
  'grafana.provisioning',
  (p) => edit(p, 'grafana/provisioning/datasources/prometheus.yml', (t) => t.replace(/prometheus:9090/g, 'prom:9090')),
  { message: /prom\b/ },
);
breaks(
  'dashboard provider reads a folder nothing mounts',
  'grafana.provisioning',
  (p) => edit(p, 'grafana/provisioning/dashboards/dashboards.yml', (t) => t.replace(/path: \S+/, 'path: /etc/dashboards')),
  { message: /\/etc\/dashboards/ },
);
breaks(
  'dashboard on a datasource uid nobody provisions',
  'grafana.provisioning',
  (p) => edit(p, 'grafana/provisioning/datasources/prometheus.yml', (t) => t.replace(/uid: \S+/, 'uid: prom-main')),
  { message: /uid/ },
);
breaks(
  'README gives a URL on a port compose does not publish',
  'docs.ports',
  (p) => edit(p, 'README.md', (t) => t.replace(/127\.0\.0\.1:8080/g, '127.0.0.1:8090')),
  { message: /8090/ },
);
breaks(
  'image sets another PORT',
  'app.port',
  dockerfile((t) => t.replace(/PORT=8000/, 'PORT=9000')),
  { message: /9000/ },
);
breaks(
  'config requires a variable compose does not set',
  'env.app-config',
  (p) => edit(p, 'app/config.py', (t) => `${t}\nAPI_TOKEN = os.environ["API_TOKEN"]\n`),
  { message: /API_TOKEN/ },
);

// ---- the pure helpers, on their own ----
test('dockerignore: Docker semantics, not gitignore', () => {
  const ig = parseDockerignore('*.pyc\n**/__pycache__\nbuild/\n!build/keep.txt\n/docs\n*\n!app\napp/**/*.log\n!app/important.log\n');
  assert.ok(isIgnored(ig, 'x.pyc'));
  assert.ok(isIgnored(ig, 'compose.yaml'), '* at the root');
  assert.not.ok(isIgnored(ig, 'app/x.pyc'), '*.pyc is root-only; !app re-includes the folder');
  assert.ok(isIgnored(ig, 'app/pkg/__pycache__/m.pyc') === false, '!app comes after **/__pycache__');
  assert.ok(isIgnored(ig, 'app/a/b/c.log'), '** spans folders');
  assert.ok(isIgnored(ig, 'app/x.log'), '** spans zero folders');
  assert.not.ok(isIgnored(ig, 'app/important.log'), 'negation after a broader pattern wins');
  const ig2 = parseDockerignore('**/__pycache__\nsecrets\n!secrets/public.pem\n');
  assert.ok(isIgnored(ig2, 'app/pkg/__pycache__/m.pyc'), 'a folder pattern excludes its contents');
  assert.ok(isIgnored(ig2, 'secrets/key.pem'));
  assert.not.ok(isIgnored(ig2, 'secrets/public.pem'));
});

test('interpolation: $$ is an escape, defaults and nested references are found', () => {
  const s = scanInterpolation('pg_isready -U "$${POSTGRES_USER}" $$HOME ${A:-${B}} ${C:?need C} $D ${E-x}');
  assert.equal(
    s.refs.map((r) => `${r.name}${r.op}`),
    ['A:-', 'B', 'C:?', 'D', 'E-'],
  );
  assert.equal(s.errors, []);
  assert.ok(scanInterpolation('${A B}').errors.length === 1);
  assert.ok(scanInterpolation('cost $5').errors.length === 1);
});

test('durations and ports', () => {
  assert.is(durationSeconds('1m30s'), 90);
  assert.is(durationSeconds('10s'), 10);
  assert.is(durationSeconds('500ms'), 0.5);
  assert.is(durationSeconds('5 seconds'), undefined);
  assert.is(durationSeconds('5'), undefined);
  const p = parsePort('127.0.0.1:8080:80/tcp');
  assert.ok(typeof p !== 'string' && p.hostIp === '127.0.0.1' && p.published?.[0] === 8080 && p.target[0] === 80);
  assert.type(parsePort('80:80:80'), 'string');
  assert.type(parsePort('8000/xyz'), 'string');
});

test('every kind of check has a broken fixture that makes it fail', () => {
  const missing = CHECK_IDS.filter((c) => !fired.has(c));
  assert.equal(missing, [], `checks no fixture proved able to fail: ${missing.join(', ')}`);
});

test.run();
