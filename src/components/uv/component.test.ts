// uv: pyproject.toml carries the pins, uv.lock everything they reach; the image, Makefile, CI and pre-commit
// install or check exactly that lock, and nothing of pip's requirements files is left.
import { parse as parseToml } from 'smol-toml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PACKAGINGS, defaultsFor } from '../../answers/options.js';
import { closure } from '../../lock/uv-lock.js';
import { plan } from '../../plan/plan.js';
import { render } from '../../render/render.js';
import { ACTIONS, UV_VERSION } from '../pins.js';

const files = (o = {}) => new Map(render(plan({ ...defaultsFor('demo'), ...o }), { secret: () => 's' }).map((f) => [f.path, f.content]));

test('uv is the default way of locking and installing; pip is the other', () => {
  assert.is(defaultsFor('x').packaging, 'uv');
  assert.equal([...PACKAGINGS], ['uv', 'pip']);
});

test('pyproject.toml lists the pins (PEP 621) and the dev group (PEP 735); uv.lock locks their closure', () => {
  for (const framework of ['fastapi', 'flask', 'django']) {
    const p = plan({ ...defaultsFor('demo'), framework, extras: ['worker'] });
    const f = files({ framework, extras: ['worker'] });
    const py = parseToml(f.get('pyproject.toml')!) as {
      project: { dependencies: string[] };
      'dependency-groups': { dev: string[] };
      tool: { uv: { package: boolean } };
    };
    assert.equal(py.project.dependencies, p.requirements);
    assert.equal(py['dependency-groups'].dev, p.devRequirements);
    assert.is(py.tool.uv.package, false);
    const lock = parseToml(f.get('uv.lock')!) as { package: { name: string }[] };
    assert.equal(
      lock.package
        .map((x) => x.name)
        .filter((n) => n !== 'demo')
        .sort(),
      closure([...p.requirements, ...p.devRequirements]),
    );
    assert.not.ok(
      [...f.keys()].some((k) => k.startsWith('requirements')),
      'no requirements files',
    );
  }
});

test('the Dockerfile installs exactly the lock with uv in the builder, and only the venv reaches the runtime image', () => {
  const d = files().get('Dockerfile')!;
  const stage = (name: string) => d.split(/^FROM /m).find((s) => new RegExp(`AS ${name}\\n`).test(s))!;
  assert.match(stage('builder'), new RegExp(`COPY --from=ghcr\\.io/astral-sh/uv:${UV_VERSION.replace(/\./g, '\\.')} /uv /uvx /bin/`));
  assert.match(stage('builder'), /UV_COMPILE_BYTECODE=1[\s\S]*UV_LINK_MODE=copy[\s\S]*UV_PYTHON_DOWNLOADS=never/);
  assert.match(
    stage('builder'),
    /--mount=type=cache,target=\/root\/\.cache\/uv \\\n {4}--mount=type=bind,source=uv\.lock,target=uv\.lock \\\n {4}--mount=type=bind,source=pyproject\.toml,target=pyproject\.toml \\\n {4}uv sync --locked --no-install-project --no-dev\n/,
  );
  assert.match(stage('dev'), /uv sync --locked --no-install-project\n/);
  assert.not.match(stage('runtime'), /uv|pip install/);
  assert.match(stage('runtime'), /COPY --from=builder \/opt\/venv \/opt\/venv/);
  assert.not.match(d, /requirements/);
  assert.match(files().get('.dockerignore')!, /^!pyproject\.toml\n!uv\.lock\n/m);
});

test('compose rebuilds the dev image when pyproject.toml or uv.lock changes', () => {
  const watch = (plan(defaultsFor('demo')).compose.dev.services.web as { develop: { watch: { action: string; path: string }[] } }).develop.watch;
  assert.equal(
    watch.filter((w) => w.action === 'rebuild').map((w) => w.path),
    ['./Dockerfile', './pyproject.toml', './uv.lock'],
  );
});

test('Makefile, CI and pre-commit install or check the lock with the same uv', () => {
  const f = files();
  const make = f.get('Makefile')!;
  assert.match(make, /^\$\(VENV\)\/\.installed: pyproject\.toml uv\.lock\n\tUV_PROJECT_ENVIRONMENT=\$\(VENV\) \$\(UV\) sync --locked/m);
  assert.match(make, /^lock: .*\n\t\$\(UV\) lock\n/m);
  assert.match(make, /^upgrade-deps: .*\n\t\$\(UV\) lock --upgrade\n/m);
  const ci = f.get('.github/workflows/ci.yml')!;
  const setup = `uses: ${ACTIONS.setupUv.repo}@${ACTIONS.setupUv.commit} # ${ACTIONS.setupUv.tag}`;
  assert.is(ci.split(setup).length - 1, 3, 'lint, test and lock set up uv by commit');
  assert.is(ci.split(`version: "${UV_VERSION}"`).length - 1, 3);
  assert.is(ci.split('run: uv sync --locked\n').length - 1, 2, 'lint and test install the lock');
  assert.match(ci, /\n {2}lock:\n[\s\S]*run: uv lock --check\n/);
  assert.not.match(ci, /pip install|setup-python/);
  assert.match(f.get('.pre-commit-config.yaml')!, new RegExp(`entry: uv lock --check\\n.*\\n {8}additional_dependencies: \\[uv==${UV_VERSION}\\]`));
  assert.match(f.get('README.md')!, /## Dependencies\n[\s\S]*uv sync --locked/);
});

test('pydocker add cannot switch the packaging of a project', async () => {
  const { ADDABLE_KINDS } = await import('../../edit/add-kind.js');
  assert.not.ok(ADDABLE_KINDS.includes('uv'));
  assert.not.ok(ADDABLE_KINDS.includes('pip'));
});

test.run();
