// Image benchmark: per framework, the generated multi-stage Dockerfile (runtime target) next to a single-stage
// `pip install -r requirements.txt` Dockerfile of the same project (the shape `docker init` writes for Python),
// both built by the same engine in the same run (tier 3's dockerd in its own namespaces, test/support/engine):
//   cold   BuildKit's cache emptied first (base images stay: they come from no registry here)
//   warm   after a one-line change to the app's code, with the cache of the cold build
// and the size and layer count of each image. The two shapes are built back to back, so their ratios hold on a
// shared machine. Needs root, Debian's docker.io and debootstrap (test/e2e/setup.sh installs them).
//   node --import tsx/esm bench/images.ts          (BENCH_FRAMEWORKS=flask for a subset)
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRAMEWORKS, type Framework } from '../src/answers/options.js';
import { answersFor, renderProject, writeProject } from '../test/support/generate.js';
import { Engine } from '../test/support/engine/daemon.js';
import { ensureBaseImages, forEngine20, pythonTag, STANDIN_PYTHON } from '../test/support/engine/images.js';
import { OUT } from './support/paths.js';

const SELECTED = (process.env.BENCH_FRAMEWORKS ?? FRAMEWORKS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean) as Framework[];

/** The single-stage shape: one FROM, the requirements installed with pip, the code copied, a non-root user. */
function singleStage(cmd: string[], port: string): string {
  return `FROM ${pythonTag()}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
ARG UID=10001
RUN useradd --uid "\${UID}" --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin appuser
RUN --mount=type=cache,target=/root/.cache/pip \\
    --mount=type=bind,source=requirements.txt,target=requirements.txt \\
    python -m pip install -r requirements.txt
USER appuser
COPY . .
EXPOSE ${port}
CMD ${JSON.stringify(cmd)}
`;
}

interface Measure {
  coldMs: number;
  warmMs: number;
  bytes: number;
  layers: number;
}

async function build(engine: Engine, dir: string, dockerfile: string, tag: string, target?: string): Promise<{ ms: number }> {
  const r = await engine.docker(
    ['build', '--network', 'host', ...engine.proxyBuildArgs, '-f', dockerfile, ...(target ? ['--target', target] : []), '-t', tag, '.'],
    {
      cwd: dir,
      timeoutMs: 1_200_000,
    },
  );
  if (r.code !== 0) throw new Error(`build of ${tag} failed:\n${r.output.slice(-3000)}`);
  return { ms: r.ms };
}

async function measure(engine: Engine, dir: string, dockerfile: string, tag: string, target?: string): Promise<Measure> {
  const prune = await engine.docker(['builder', 'prune', '--all', '--force'], { timeoutMs: 300_000 });
  if (prune.code !== 0) throw new Error(`builder prune failed: ${prune.output}`);
  const cold = await build(engine, dir, dockerfile, tag, target);
  appendFileSync(join(dir, 'app', '__init__.py'), '# a one-line change\n');
  const warm = await build(engine, dir, dockerfile, tag, target);
  const [bytes, layers] = (await engine.docker(['image', 'inspect', '--format', '{{.Size}} {{len .RootFS.Layers}}', tag])).output.trim().split(' ').map(Number);
  return { coldMs: cold.ms, warmMs: warm.ms, bytes: bytes!, layers: layers! };
}

const dir = join(OUT, 'images');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const engine = await Engine.start({ logDir: dir, dependencies: [], inboundPorts: [] });
const rows: string[] = [];
try {
  await ensureBaseImages(engine);
  for (const framework of SELECTED) {
    // pip packaging: the single-stage shape installs requirements.txt, which the pip project has.
    const answers = answersFor(`bench-${framework}`, { framework, database: 'postgres', cache: 'redis', packaging: 'pip', python: STANDIN_PYTHON });
    const ours = join(dir, `${framework}-multi`);
    const theirs = join(dir, `${framework}-single`);
    writeProject(ours, renderProject(answers));
    writeProject(theirs, renderProject(answers));
    writeFileSync(join(ours, 'Dockerfile.engine20'), forEngine20(readFileSync(join(ours, 'Dockerfile'), 'utf8')).text);
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ours, 'Dockerfile'), 'utf8').split('FROM base AS runtime')[1] ?? '')?.[1];
    writeFileSync(join(theirs, 'Dockerfile.single'), singleStage(JSON.parse(cmd ?? '["python"]') as string[], String(answers.port)));
    // The single-stage shape copies the whole folder: no allowlist .dockerignore.
    rmSync(join(theirs, '.dockerignore'), { force: true });
    const m = await measure(engine, ours, 'Dockerfile.engine20', `bench-${framework}:multi`, 'runtime');
    const s = await measure(engine, theirs, 'Dockerfile.single', `bench-${framework}:single`);
    const mb = (b: number) => (b / 1e6).toFixed(0);
    const sec = (ms: number) => (ms / 1000).toFixed(1);
    rows.push(
      `| ${framework} | ${mb(m.bytes)} | ${mb(s.bytes)} | ${(m.bytes / s.bytes).toFixed(2)}x | ${m.layers} / ${s.layers} | ${sec(m.coldMs)} | ${sec(s.coldMs)} | ${sec(m.warmMs)} | ${sec(s.warmMs)} |`,
    );
    console.log(rows.at(-1));
  }
} finally {
  await engine.close();
}
const table = [
  '| framework | generated MB | single-stage MB | size ratio | layers (generated / single) | cold s (generated) | cold s (single) | warm s (generated) | warm s (single) |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
].join('\n');
writeFileSync(join(OUT, 'images.md'), `${table}\n`);
console.log(`\n${table}\n\n(also in ${join(OUT, 'images.md')})`);
