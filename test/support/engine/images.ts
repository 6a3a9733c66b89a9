// The images a generated Dockerfile names, made here because there is no container registry:
//   python:<3.13 tag>         a Debian trixie root filesystem with Debian's CPython 3.13 (standin.sh), imported
//                             with the official image's PATH, LANG and CMD; kept as a tar in the engine cache
//   ghcr.io/astral-sh/uv:<v>  uv's release image holds only /uv and /uvx: the same version's binaries from PyPI
// and the two changes Engine 20.10 needs to build a Dockerfile written for current engines.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMAGES, pythonImage, UV_VERSION } from '../../../src/components/pins.js';
import { UV } from '../../../tools/pins.js';
import { requireTool } from '../tools/common.js';
import { runCommand } from '../live/proc.js';
import { ENGINE_CACHE, type Engine } from './daemon.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The only Python line the stand-in has: Debian trixie's. */
export const STANDIN_PYTHON = '3.13' as const;

export function pythonTag(): string {
  return pythonImage(STANDIN_PYTHON);
}

export function uvTag(): string {
  return IMAGES.uv.ref;
}

/** Bumped when standin.sh changes what it makes: an engine holding an older stand-in imports the new one. */
const STANDIN_REVISION = '5';

async function present(engine: Engine, tag: string, revision?: string): Promise<boolean> {
  const r = await engine.docker(['image', 'inspect', '--format', '{{index .Config.Labels "pydocker.standin"}}', tag], { timeoutMs: 20_000 });
  return r.code === 0 && (revision === undefined || r.output.trim() === revision);
}

async function importTar(engine: Engine, tar: string, tag: string, changes: string[]) {
  const r = await engine.docker(['import', ...changes.flatMap((c) => ['--change', c]), tar, tag], { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`docker import ${tag} failed: ${r.output}`);
}

/** Imports the stand-ins the engine lacks; makes the Python root filesystem first if the cache has none. */
export async function ensureBaseImages(engine: Engine): Promise<string[]> {
  const made: string[] = [];
  const python = pythonTag();
  if (!(await present(engine, python, STANDIN_REVISION))) {
    mkdirSync(ENGINE_CACHE, { recursive: true });
    const tar = join(ENGINE_CACHE, `python-${STANDIN_PYTHON}-trixie-r${STANDIN_REVISION}.tar`);
    if (!existsSync(tar)) {
      const r = await runCommand('bash', [join(HERE, 'standin.sh'), tar], { timeoutMs: 900_000 });
      if (r.code !== 0) throw new Error(`making the Python stand-in failed: ${r.output}`);
    }
    await importTar(engine, tar, python, [
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'ENV LANG=C.UTF-8',
      // uv trusts its own roots unless told; the stand-in's bundle also holds the CAs this machine adds.
      'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
      'CMD ["python3"]',
      `LABEL pydocker.standin=${STANDIN_REVISION}`,
    ]);
    made.push(python);
  }
  const uv = uvTag();
  if (!(await present(engine, uv))) {
    const bin = requireTool('uv', UV);
    const dir = mkdtempSync(join(ENGINE_CACHE, 'uv-'));
    try {
      copyFileSync(bin, join(dir, 'uv'));
      copyFileSync(join(dirname(bin), 'uvx'), join(dir, 'uvx'));
      const tar = join(dir, 'uv.tar');
      const t = await runCommand('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', tar, 'uv', 'uvx']);
      if (t.code !== 0) throw new Error(`tar of uv failed: ${t.output}`);
      await importTar(engine, tar, uv, ['ENTRYPOINT ["/uv"]']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    made.push(uv);
  }
  return made;
}

/** The version of uv the stand-in image carries (it must be the one the Dockerfile names). */
export const STANDIN_UV_VERSION = UV_VERSION;

/**
 * What Engine 20.10 cannot take in a Dockerfile written for current engines, removed and nothing else:
 * the `# syntax=` directive (BuildKit would pull the frontend image from a registry; 20.10's built-in frontend
 * reads the same instructions) and HEALTHCHECK `--start-interval` (Engine 25+). Returns the text and what changed.
 */
export function forEngine20(dockerfile: string): { text: string; changes: string[] } {
  const changes: string[] = [];
  const lines = dockerfile.split('\n').filter((line) => {
    if (/^#\s*syntax\s*=/i.test(line)) {
      changes.push(`dropped "${line.trim()}"`);
      return false;
    }
    return true;
  });
  const text = lines.join('\n').replace(/\s--start-interval=\S+/g, (m) => {
    changes.push(`dropped HEALTHCHECK ${m.trim()}`);
    return '';
  });
  return { text, changes };
}

/**
 * An image of a service built on the Python stand-in (`dockerfile`: the lines after FROM), tagged as the pinned
 * image it stands in for; rebuilt when its revision label differs. `context` puts files in the build folder first.
 */
export async function ensureStandIn(
  engine: Engine,
  tag: string,
  revision: string,
  dockerfile: string[],
  folder: string,
  context?: (dir: string) => void,
): Promise<void> {
  if (await present(engine, tag, revision)) return;
  mkdirSync(folder, { recursive: true });
  context?.(folder);
  writeFileSync(join(folder, 'Dockerfile'), [`FROM ${pythonTag()}`, ...dockerfile, `LABEL pydocker.standin=${revision}`, ''].join('\n'));
  const built = await engine.docker(['build', '--network', 'host', ...engine.proxyBuildArgs, '-t', tag, folder], { timeoutMs: 600_000 });
  if (built.code !== 0) throw new Error(`building the stand-in ${tag} failed:\n${built.output.slice(-3000)}`);
}
