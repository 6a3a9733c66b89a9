// The generated CI's release job: on release tags only, after every check, it pushes the production image with
// an SBOM and provenance and signs it by digest, keyless, with the least permissions that allow it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { defaultsFor } from '../src/answers/options.js';
import { ACTIONS } from '../src/components/pins.js';
import { renderProject } from './support/generate.js';

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  id?: string;
}
interface Job {
  if?: string;
  needs?: string[];
  permissions?: Record<string, string>;
  steps: Step[];
}

function release(registry: string): Job {
  const files = renderProject({ ...defaultsFor('svc'), registry });
  const ci = parse(files.find((f) => f.path === '.github/workflows/ci.yml')!.content) as { jobs: Record<string, Job> };
  return ci.jobs.release!;
}

const pinned = (a: { repo: string; commit: string }) => (s: Step) => s.uses === `${a.repo}@${a.commit}`;

for (const [registry, host, image, ghcr] of [
  ['svc', 'ghcr.io', 'ghcr.io/${{ github.repository }}', true],
  ['ghcr.io/acme/svc', 'ghcr.io', 'ghcr.io/acme/svc', true],
  ['acme/svc', 'docker.io', 'acme/svc', false],
  ['registry.acme.test:5000/team/svc', 'registry.acme.test:5000', 'registry.acme.test:5000/team/svc', false],
] as const) {
  test(`release job for --registry ${registry}: tags only, after every check, SBOM + provenance, signed by digest`, () => {
    const job = release(registry);
    assert.is(job.if, "startsWith(github.ref, 'refs/tags/v')");
    assert.equal(job.needs, ['lint', 'test', 'scan']);
    assert.equal(job.permissions, { contents: 'read', ...(ghcr ? { packages: 'write' } : {}), 'id-token': 'write' });
    const login = job.steps.find(pinned(ACTIONS.login))!;
    assert.is(login.with?.registry, host);
    assert.is(login.with?.password, ghcr ? '${{ secrets.GITHUB_TOKEN }}' : '${{ secrets.REGISTRY_PASSWORD }}');
    const push = job.steps.find(pinned(ACTIONS.buildPush))!;
    assert.equal(
      { push: push.with?.push, sbom: push.with?.sbom, provenance: push.with?.provenance, target: push.with?.target },
      { push: true, sbom: true, provenance: 'mode=max', target: 'runtime' },
    );
    assert.is(push.with?.tags, `${image}:\${{ steps.version.outputs.version }}`);
    assert.not.ok('cache-from' in (push.with ?? {}), 'no build cache in a release');
    assert.ok(job.steps.some(pinned(ACTIONS.cosignInstaller)));
    const sign = job.steps.find((s) => s.run?.startsWith('cosign sign'))!;
    assert.is(sign.run, 'cosign sign --yes "${IMAGE}@${DIGEST}"');
    assert.equal(sign.env, { IMAGE: image, DIGEST: `\${{ steps.${push.id}.outputs.digest }}` });
    // Expressions reach shell commands only through env (no template injection).
    for (const s of job.steps) assert.not.match(s.run ?? '', /\$\{\{/);
  });
}

test.run();
