// Checks that run real tools (python3, bash) over many projects at once: each distinct file is checked once,
// in one python3 process for all Python files, so the whole matrix costs about one interpreter start.
import { spawnSync } from 'node:child_process';
import { parse as parseToml } from 'smol-toml';
import type { CheckId } from './checks.js';
import type { Problem, Project } from './project.js';
import { isShellScript } from './syntax.js';

/** Import names each distribution provides, including what it brings in itself that the app may import. */
export const DISTRIBUTION_MODULES: Record<string, string[]> = {
  fastapi: ['fastapi', 'starlette', 'pydantic', 'pydantic_core', 'anyio', 'typing_extensions', 'annotated_types'],
  uvicorn: ['uvicorn'],
  'uvicorn-worker': ['uvicorn_worker'],
  gunicorn: ['gunicorn', 'packaging'],
  flask: ['flask', 'werkzeug', 'jinja2', 'itsdangerous', 'click', 'markupsafe', 'blinker'],
  django: ['django', 'asgiref', 'sqlparse'],
  sqlalchemy: ['sqlalchemy', 'typing_extensions', 'greenlet'],
  alembic: ['alembic', 'mako', 'sqlalchemy'],
  psycopg: ['psycopg'],
  'psycopg-binary': ['psycopg_binary'],
  pymysql: ['pymysql'],
  mysqlclient: ['MySQLdb'],
  redis: ['redis'],
  pymemcache: ['pymemcache'],
  'prometheus-client': ['prometheus_client'],
  'sentry-sdk': ['sentry_sdk', 'urllib3', 'certifi'],
  'opentelemetry-sdk': ['opentelemetry'],
  'opentelemetry-api': ['opentelemetry'],
  'opentelemetry-exporter-otlp-proto-http': ['opentelemetry', 'requests', 'google'],
  'opentelemetry-instrumentation-fastapi': ['opentelemetry'],
  'opentelemetry-instrumentation-flask': ['opentelemetry'],
  'opentelemetry-instrumentation-django': ['opentelemetry'],
  'opentelemetry-instrumentation-sqlalchemy': ['opentelemetry'],
  pytest: ['pytest', '_pytest', 'pluggy', 'iniconfig'],
  'pytest-cov': ['pytest_cov', 'coverage'],
  httpx: ['httpx', 'httpcore', 'anyio', 'certifi', 'idna', 'sniffio'],
  ruff: [],
  mypy: ['mypy', 'mypy_extensions'],
  'pytest-django': ['pytest_django'],
  requests: ['requests', 'urllib3', 'certifi', 'idna', 'charset_normalizer'],
};

export function requirementNames(text: string, files: Map<string, string>, seen = new Set<string>()): string[] {
  const names: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const include = /^-r\s+(\S+)/.exec(line);
    if (include) {
      const inc = include[1]!;
      if (!seen.has(inc) && files.has(inc)) {
        seen.add(inc);
        names.push(...requirementNames(files.get(inc)!, files, seen));
      }
      continue;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
    if (m) names.push(m[1]!.toLowerCase().replace(/[_.]+/g, '-'));
  }
  return names;
}

/**
 * The direct dependencies a project installs in its image (`runtime`) and for its tests and tools (`dev`, the
 * runtime ones included): pyproject.toml's dependencies and `dev` group for uv projects, requirements.in and
 * requirements-dev.in for pip projects.
 */
export function declaredRequirements(files: Map<string, string>): { runtime: string[]; dev: string[] } {
  const pyproject = files.get('pyproject.toml');
  if (files.has('uv.lock') && pyproject) {
    let t: { project?: { dependencies?: string[] }; 'dependency-groups'?: { dev?: string[] } };
    try {
      t = parseToml(pyproject) as typeof t;
    } catch {
      return { runtime: [], dev: [] }; // syntax.toml reports it
    }
    const runtime = requirementNames((t.project?.dependencies ?? []).join('\n'), files);
    return { runtime, dev: [...runtime, ...requirementNames((t['dependency-groups']?.dev ?? []).join('\n'), files)] };
  }
  return {
    runtime: requirementNames(files.get('requirements.in') ?? '', files),
    dev: requirementNames(files.get('requirements-dev.in') ?? '', files),
  };
}

const PYTHON_SCRIPT = `
import ast, json, sys, warnings
warnings.simplefilter("error")
data = json.load(sys.stdin)
out = []
def guarded_nodes(tree):
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try):
            names = " ".join(ast.unparse(h.type) if h.type is not None else "" for h in node.handlers)
            if any(h.type is None for h in node.handlers) or "ImportError" in names or "ModuleNotFoundError" in names:
                for stmt in node.body:
                    for sub in ast.walk(stmt):
                        ids.add(id(sub))
    return ids
for item in data:
    path, source = item["path"], item["source"]
    try:
        tree = ast.parse(source, path)
        compile(tree, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        out.append({"error": "line %s: %s" % (e.lineno, e.msg), "imports": []})
        continue
    except Exception as e:
        out.append({"error": "%s: %s" % (type(e).__name__, e), "imports": []})
        continue
    guarded = guarded_nodes(tree)
    imports = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module.split(".")[0]]
        else:
            continue
        for n in names:
            imports.append([n, id(node) in guarded, node.lineno])
    out.append({"error": None, "imports": imports})
json.dump({"stdlib": sorted(sys.stdlib_module_names), "results": out}, sys.stdout)
`;

// One bash parses every script: defining a function whose body is the script parses it without running
// it (what `bash -n` does), in a subshell per script, so one process checks them all.
const BASH_SCRIPT = [
  'i=0',
  "while IFS= read -r -d '' script; do",
  '  if ! out=$( { eval "__syntax_check() {',
  '$script',
  '}"; } 2>&1 ); then printf \'%s\\t%s\\n\' "$i" "${out//$\'\\n\'/ }"; fi',
  '  i=$((i+1))',
  'done',
].join('\n');

interface PythonResult {
  error: string | null;
  imports: [string, boolean, number][];
}
// Results by file content, kept for the life of the process: the same file recurs across projects and tests.
const pythonCache = new Map<string, PythonResult>();
const shellCache = new Map<string, string | null>();
const std = new Set<string>();

interface Ref {
  key: string;
  file: string;
}
interface ImportContext {
  runtime: Set<string>;
  dev: Set<string>;
  local: Set<string>;
}

/** Collects files of many projects, then checks each distinct file once. */
export class BatchChecks {
  private readonly python = new Map<string, Ref[]>();
  private readonly shell = new Map<string, Ref[]>();
  private readonly contexts = new Map<string, ImportContext>();

  /** Adds a project under a key (e.g. its combination label). */
  add(key: string, p: Project): void {
    const provided = (names: string[]) => new Set(names.flatMap((n) => DISTRIBUTION_MODULES[n] ?? [n.replace(/-/g, '_')]));
    const declared = declaredRequirements(p.files);
    const runtime = provided(declared.runtime);
    const dev = provided(declared.dev);
    const local = new Set<string>();
    for (const f of p.files.keys()) {
      if (!f.endsWith('.py')) continue;
      const top = f.split('/')[0]!;
      local.add(f.includes('/') ? top : top.replace(/\.py$/, ''));
    }
    this.contexts.set(key, { runtime, dev, local });
    for (const [file, content] of p.files) {
      if (file.endsWith('.py')) push(this.python, content, { key, file });
      if (isShellScript(file, content)) push(this.shell, content, { key, file });
    }
  }

  run(): Map<string, Problem[]> {
    const problems = new Map<string, Problem[]>();
    const report = (ref: Ref, check: CheckId, message: string) => {
      const list = problems.get(ref.key) ?? [];
      list.push({ file: ref.file, check, message });
      problems.set(ref.key, list);
    };

    const sources = [...this.python.entries()];
    const fresh = sources.filter(([source]) => !pythonCache.has(source));
    if (fresh.length > 0) {
      const input = JSON.stringify(fresh.map(([source, refs]) => ({ path: refs[0]!.file, source })));
      const run = spawnSync('python3', ['-c', PYTHON_SCRIPT], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
      if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr || run.error?.message}`);
      const { stdlib, results } = JSON.parse(run.stdout) as { stdlib: string[]; results: PythonResult[] };
      for (const name of stdlib) std.add(name);
      fresh.forEach(([source], i) => {
        pythonCache.set(source, results[i]!);
      });
    }
    sources.forEach(([source, refs]) => {
      const r = pythonCache.get(source)!;
      for (const ref of refs) {
        if (r.error) {
          report(ref, 'syntax.python', r.error);
          continue;
        }
        const ctx = this.contexts.get(ref.key)!;
        const testCode = ref.file.startsWith('tests/') || ref.file.endsWith('conftest.py');
        for (const [name, optional, line] of r.imports) {
          if (optional || std.has(name) || ctx.local.has(name) || ctx.runtime.has(name) || name === '__future__') continue;
          if (testCode && ctx.dev.has(name)) continue;
          const where = !testCode && ctx.dev.has(name) ? ' (only the development dependencies provide it, which the image does not install)' : '';
          report(ref, 'python.imports', `line ${line}: imports ${name}, which no requirement provides${where}`);
        }
      }
    });

    const freshShell = [...this.shell.keys()].filter((c) => !shellCache.has(c));
    if (freshShell.length > 0) {
      const run = spawnSync('bash', ['-c', BASH_SCRIPT], { input: `${freshShell.join('\0')}\0`, encoding: 'utf8', maxBuffer: 1 << 26 });
      if (run.status !== 0) throw new Error(`bash failed: ${run.stderr || run.error?.message}`);
      const failures = new Map<number, string>();
      for (const line of run.stdout.split('\n')) {
        const m = /^(\d+)\t(.*)$/.exec(line);
        if (m) failures.set(Number(m[1]), m[2]!.replace(/^.*?eval: line \d+: /, '').replace(/ \S*eval: line \d+: .*$/, ''));
      }
      freshShell.forEach((c, i) => {
        shellCache.set(c, failures.get(i) ?? null);
      });
    }
    for (const [content, refs] of this.shell) {
      const message = shellCache.get(content);
      if (message) for (const ref of refs) report(ref, 'shell.syntax', `bash: ${message}`);
    }
    return problems;
  }
}

function push(map: Map<string, Ref[]>, content: string, ref: Ref): void {
  const refs = map.get(content);
  if (refs) refs.push(ref);
  else map.set(content, [ref]);
}
