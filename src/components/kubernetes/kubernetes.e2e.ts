// The Kubernetes manifests of every combination of the matrix that has them, judged by the real tools:
// kustomize (kubectl kustomize) builds both overlays; kubernetes-validate checks every object strictly against
// the Kubernetes 1.37 OpenAPI schemas, offline (a misspelled field fails); the Gateway API and Prometheus
// Operator objects are checked against their published CRD schemas (@kubernetes-models); checkov's Kubernetes
// checks pass (each skip is annotated in the manifest with its reason) on a spread of them. Each tool is shown
// failing on a broken fixture, and shellcheck passes the deploy script.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Gateway, HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { combinationLabel, combinations } from '../../answers/combinations.js';
import { defaultsFor } from '../../answers/options.js';
import type { RenderedFile } from '../../render/render.js';
import { renderProject } from '../../../test/support/generate.js';
import { requireTool } from '../../../test/support/tools/common.js';

const KUBERNETES_VALIDATE = { pip: 'kubernetes-validate==1.37.0' };
const CHECKOV = { pip: 'checkov==3.3.30' };
const CRDS: Record<string, new (data: never) => { validate(): void }> = { Gateway, HTTPRoute, ServiceMonitor } as never;

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
  for (let i = 0; i < outputs.length; i += 250) {
    const r = validate(outputs.slice(i, i + 250));
    assert.is(r.code, 0, r.out.split('\n').slice(0, 20).join('\n'));
  }
});

test("checkov's Kubernetes checks: no failure on a spread of the combinations (skips annotated with their reasons)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pd-k8s-checkov-'));
  for (const [i, a] of withKubernetes.filter((_, i) => i % 25 === 0).entries()) {
    const staged = stage(renderProject(a));
    writeFileSync(join(dir, `${i}.yaml`), kustomize(staged, 'production').stdout);
  }
  const r = checkov(dir);
  assert.is(r.code, 0, r.out.slice(0, 3000));
  assert.match(r.out, /Failed checks: 0/);
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
  // CRD schema: a listener port out of range.
  assert.match(crdProblems(good.replace('port: 443', 'port: 70000')).join(), /Gateway .*port must be <= 65535/);
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
