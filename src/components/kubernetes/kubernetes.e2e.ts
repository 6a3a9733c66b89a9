// The Kubernetes manifests of every combination of the matrix that has them, judged by the real tools:
// kustomize (kubectl kustomize) builds both overlays; kubernetes-validate checks every object strictly against
// the Kubernetes 1.37 OpenAPI schemas, offline (a misspelled field fails); the Gateway API and Prometheus
// Operator objects are checked against their published CRD schemas (@kubernetes-models: the values by its
// validators, unknown fields by the types generated from the same schemas); checkov's Kubernetes checks pass on
// every object of every build (each skip is annotated in the manifest with its reason). Each tool is shown
// failing on a broken fixture, and shellcheck passes the deploy script.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Gateway, HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { REPO } from '../../../test/support/live/paths.js';
import { combinationLabel, combinations } from '../../answers/combinations.js';
import { defaultsFor } from '../../answers/options.js';
import type { RenderedFile } from '../../render/render.js';
import { renderProject } from '../../../test/support/generate.js';
import { requireTool } from '../../../test/support/tools/common.js';

const KUBERNETES_VALIDATE = { pip: 'kubernetes-validate==1.37.0' };
const CHECKOV = { pip: 'checkov==3.3.30' };
const CRDS: Record<string, new (data: never) => { validate(): void }> = { Gateway, HTTPRoute, ServiceMonitor, PrometheusRule } as never;

/** k8s/ of a project in a folder of its own, with each overlay's secrets.env made from its example. */
function stage(files: RenderedFile[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pd-k8s-'));
  for (const f of files.filter((x) => x.path.startsWith('k8s/'))) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
    if (f.path.endsWith('/secrets.env.example')) writeFileSync(join(dir, f.path.replace(/\.example$/, '')), f.content.replace(/=$/gm, '=filled'));
  }
  return dir;
}

const kustomize = (dir: string, overlay: string) =>
  spawnSync('kubectl', ['kustomize', join(dir, 'k8s', 'overlays', overlay)], { encoding: 'utf8', timeout: 60_000 });

function validate(files: string[]) {
  const r = spawnSync(requireTool('kubernetes-validate', KUBERNETES_VALIDATE), ['--strict', '--quiet', '--no-warn', ...files], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function crdProblems(yamlText: string): string[] {
  return parseAllDocuments(yamlText)
    .map((d) => d.toJS())
    .flatMap((doc) => {
      const Model = CRDS[doc?.kind];
      if (!Model) return [];
      try {
        new Model(doc as never).validate();
        return [];
      } catch (err) {
        return [`${doc.kind} ${doc.metadata?.name}: ${(err as Error).message.split('\n')[0]}`];
      }
    });
}

/** The TypeScript types @kubernetes-models generates from each CRD's schema, by kind. */
const CRD_TYPES: Record<string, { from: string; type: string }> = {
  Gateway: { from: '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway', type: 'IGateway' },
  HTTPRoute: { from: '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute', type: 'IHTTPRoute' },
  ServiceMonitor: { from: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor', type: 'IServiceMonitor' },
  PrometheusRule: { from: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule', type: 'IPrometheusRule' },
};

/**
 * Fields a CRD's schema does not have (a misspelling the API server's strict field validation, kubectl's default,
 * refuses): the JSON-schema validators above ignore unknown properties, so each object is type-checked as an
 * object literal against the type generated from the same schema, where TypeScript names every excess property.
 */
function crdUnknownFields(objects: unknown[]): string[] {
  const dir = join(REPO, '.tmp', 'crd-fields');
  mkdirSync(dir, { recursive: true });
  const used = new Set<string>();
  const lines = objects.map((o, i) => {
    const kind = (o as { kind: string }).kind;
    const t = CRD_TYPES[kind];
    if (!t) throw new Error(`no type for ${kind}`);
    used.add(kind);
    return `export const o${i}: ${t.type} = ${JSON.stringify(o)};`;
  });
  const imports = [...used].map((k) => `import type { ${CRD_TYPES[k]!.type} } from '${CRD_TYPES[k]!.from}';`);
  writeFileSync(join(dir, 'objects.ts'), `${imports.join('\n')}\n${lines.join('\n')}\n`);
  const compilerOptions = {
    pretty: false,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    types: [],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['objects.ts'] }));
  const r = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status === 0) return [];
  const errors = r.stdout.split('\n').filter((l) => /error TS/.test(l));
  if (!errors.length) throw new Error(`tsc exited ${r.status}: ${r.stdout}${r.stderr}`);
  return errors.map((l) => {
    const line = Number(/objects\.ts\((\d+),/.exec(l)?.[1] ?? 0);
    // An error outside the objects' lines (a broken setup) is reported as it is.
    const o = line > imports.length ? (objects[line - 1 - imports.length] as { kind?: string; metadata?: { name?: string } }) : undefined;
    return o ? `${o.kind} ${o.metadata?.name}: ${l.replace(/^.*error TS\d+: /, '')}` : l;
  });
}

function checkov(dir: string) {
  const r = spawnSync(requireTool('checkov', CHECKOV), ['-d', dir, '--framework', 'kubernetes', '--compact', '--quiet', '--skip-download'], {
    encoding: 'utf8',
    timeout: 900_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const built = mkdtempSync(join(tmpdir(), 'pd-k8s-built-'));
const withKubernetes = combinations().filter((a) => a.extras.includes('kubernetes'));

test('kustomize builds both overlays of every combination with Kubernetes; the output passes strict schema and CRD validation', () => {
  assert.ok(withKubernetes.length >= 300, `${withKubernetes.length} combinations`);
  const failed: string[] = [];
  const outputs: string[] = [];
  withKubernetes.forEach((a, i) => {
    const dir = stage(renderProject(a));
    for (const overlay of ['staging', 'production']) {
      const r = kustomize(dir, overlay);
      if (r.status !== 0) {
        failed.push(`${combinationLabel(a)} ${overlay}: ${r.stderr.trim()}`);
        continue;
      }
      const file = join(built, `${i}-${overlay}.yaml`);
      writeFileSync(file, r.stdout);
      outputs.push(file);
      for (const p of crdProblems(r.stdout)) failed.push(`${combinationLabel(a)} ${overlay}: ${p}`);
    }
  });
  assert.equal(failed.slice(0, 5), [], `${failed.length} failures`);
  const crdObjects = new Map<string, unknown>();
  for (const file of outputs) {
    for (const d of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const o = d.toJS() as { kind?: string } | null;
      if (o?.kind && o.kind in CRD_TYPES) crdObjects.set(JSON.stringify(o), o);
    }
  }
  assert.ok(crdObjects.size > 0);
  assert.equal(crdUnknownFields([...crdObjects.values()]).slice(0, 5), []);
  for (let i = 0; i < outputs.length; i += 250) {
    const r = validate(outputs.slice(i, i + 250));
    assert.is(r.code, 0, r.out.split('\n').slice(0, 20).join('\n'));
  }
});

test("checkov's Kubernetes checks: no failure in either overlay of any combination (skips annotated with their reasons)", () => {
  // Every object of every build above (about 10,000), each distinct one once (under 200), in one run.
  const dir = mkdtempSync(join(tmpdir(), 'pd-k8s-checkov-'));
  const seen = new Set<string>();
  let files = 0;
  let objects = 0;
  for (const name of readdirSync(built).filter((f) => /^\d+-(staging|production)\.yaml$/.test(f))) {
    const unique = parseAllDocuments(readFileSync(join(built, name), 'utf8'))
      // Objects that differ only in the overlay's namespace or in kustomize's content-hash suffix of a generated
      // ConfigMap or Secret name are the same to every check: each distinct one is judged once.
      .map((d) =>
        d
          .toString()
          .replace(/-(config|secrets)-[a-z0-9]{10}\b/g, '-$1')
          .replace(/^(\s*namespace:) .*$/gm, '$1 svc'),
      )
      .filter((text) => {
        const key = createHash('sha256').update(text).digest('hex');
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    files++;
    if (!unique.length) continue;
    objects += unique.length;
    writeFileSync(join(dir, name), unique.join('---\n'));
  }
  assert.ok(files >= 2 * 300, `${files} builds`);
  const r = checkov(dir);
  assert.is(r.code, 0, r.out.slice(0, 3000));
  assert.match(r.out, /Failed checks: 0/);
  assert.match(r.out, /Passed checks: [1-9]/);
  console.log(`  checkov: ${objects} distinct objects of ${files} builds`);
});

test('promtool accepts the PrometheusRule of every distinct rule set as a rule file, and refuses a broken expression', () => {
  const seen = new Map<string, unknown>();
  for (const name of readdirSync(built).filter((f) => /-production\.yaml$/.test(f))) {
    for (const d of parseAllDocuments(readFileSync(join(built, name), 'utf8'))) {
      const o = d.toJS() as { kind?: string; spec?: unknown } | null;
      if (o?.kind === 'PrometheusRule') seen.set(JSON.stringify(o.spec), o.spec);
    }
  }
  assert.ok(seen.size > 0, 'no PrometheusRule in any build');
  const dir = mkdtempSync(join(tmpdir(), 'pd-k8s-rules-'));
  const files = [...seen.values()].map((spec, i) => {
    const file = join(dir, `rules-${i}.yml`);
    writeFileSync(file, JSON.stringify(spec));
    return file;
  });
  const ok = spawnSync(requireTool('promtool'), ['check', 'rules', ...files], { encoding: 'utf8' });
  assert.is(ok.status, 0, `${ok.stdout}${ok.stderr}`);
  const broken = join(dir, 'broken.yml');
  writeFileSync(broken, readFileSync(files[0]!, 'utf8').replace('== 0', '== '));
  const bad = spawnSync(requireTool('promtool'), ['check', 'rules', broken], { encoding: 'utf8' });
  assert.is.not(bad.status, 0);
});

test('each tool fails on a broken fixture; shellcheck passes the deploy script', () => {
  const files = renderProject({ ...defaultsFor('svc'), extras: ['worker', 'kubernetes'] });
  // kustomize: a resource the kustomization names is missing.
  const dir = stage(files);
  writeFileSync(
    join(dir, 'k8s/base/kustomization.yaml'),
    readFileSync(join(dir, 'k8s/base/kustomization.yaml'), 'utf8').replace('- web.yaml', '- web.yaml\n  - cron.yaml'),
  );
  const k = kustomize(dir, 'production');
  assert.is.not(k.status, 0);
  assert.match(k.stderr, /cron\.yaml/);
  // kubernetes-validate: a misspelled field.
  const good = kustomize(stage(files), 'production').stdout;
  const misspelled = join(built, 'misspelled.yaml');
  writeFileSync(misspelled, good.replace(/^ {2}replicas: 2$/m, '  replica: 2'));
  const v = validate([misspelled]);
  assert.is.not(v.code, 0);
  assert.match(v.out, /replica/);
  // CRD schema: a listener port out of range; a misspelled field.
  assert.match(crdProblems(good.replace('port: 443', 'port: 70000')).join(), /Gateway .*port must be <= 65535/);
  const route = parseAllDocuments(good)
    .map((d) => d.toJS() as { kind?: string; spec?: Record<string, unknown> })
    .find((o) => o.kind === 'HTTPRoute')!;
  const { rules, ...rest } = route.spec!;
  assert.match(crdUnknownFields([{ ...route, spec: { ...rest, rule: rules } }]).join(), /HTTPRoute .*'"?rule"?' does not exist/);
  // checkov: a writable root filesystem.
  const cdir = mkdtempSync(join(tmpdir(), 'pd-k8s-checkov-bad-'));
  writeFileSync(join(cdir, 'bad.yaml'), good.replace(/readOnlyRootFilesystem: true/g, 'readOnlyRootFilesystem: false'));
  const c = checkov(cdir);
  assert.is.not(c.code, 0);
  assert.match(c.out, /CKV_K8S_22/);
  // The deploy script as its pre-commit hook runs shellcheck (-x, from the project root).
  const root = mkdtempSync(join(tmpdir(), 'pd-k8s-sh-'));
  for (const f of files.filter((x) => x.path.startsWith('scripts/'))) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
  const sh = spawnSync(requireTool('shellcheck'), ['-x', 'scripts/deploy-k8s.sh'], { cwd: root, encoding: 'utf8' });
  assert.is(sh.status, 0, sh.stdout);
});

test.run();
