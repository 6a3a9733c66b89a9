// Real `pydocker new` and `pydocker add` processes interrupted (SIGINT, SIGTERM, SIGHUP) at many points of
// their write: each ends with 130/143/129, one line saying nothing was changed, and the tree as it was.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../src/answers/options.js';
import { renderProject, writeProject } from './support/generate.js';
import { snapshot, treeDiff } from './support/tree.js';

const BIN = fileURLToPath(new URL('../bin/pydocker.js', import.meta.url));
const CODE = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Sig = keyof typeof CODE;
const tmp = () => mkdtempSync(join(tmpdir(), 'pydocker-signal-'));

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the bin; at write step `pauseAt` (or after `delayMs`) sends `sig`. */
function interrupted(args: string[], cwd: string, sig: Sig, when: { pauseAt: number } | { delayMs: number }): Promise<Outcome> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...('pauseAt' in when ? { PYDOCKER_WRITE_PAUSE_AT: String(when.pauseAt) } : {}) };
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if ('pauseAt' in when && !sent && stderr.includes(`paused at write step ${when.pauseAt}\n`)) sent = child.kill(sig);
    });
    if ('delayMs' in when) setTimeout(() => child.kill(sig), when.delayMs);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** Steps of a write of `files` files (.yo-rc.json included): one per staged file, one per rename, one at the end. */
const stepsFor = (files: number) => 2 * files + 1;
const SIGS: Sig[] = ['SIGINT', 'SIGTERM', 'SIGINT', 'SIGTERM', 'SIGHUP'];

function assertRolledBack(o: Outcome, sig: Sig, what: string): void {
  assert.is(o.code, CODE[sig], `${what}: exit code (${o.stderr})`);
  assert.match(o.stderr, new RegExp(`^pydocker: interrupted by ${sig}; nothing was changed$`, 'm'), what);
}

test('new, interrupted at write steps from the first to the last: nothing is left behind', async () => {
  const files = renderProject(defaultsFor('svc')).length + 1;
  const total = stepsFor(files);
  const points = [...new Set([1, 2, 3, ...Array.from({ length: total }, (_, i) => i + 1).filter((s) => s % 12 === 0), files, files + 1, total - 1, total])];
  for (const [i, step] of points.entries()) {
    const parent = tmp();
    const sig = SIGS[i % SIGS.length]!;
    const o = await interrupted(['new', 'svc', '--yes'], parent, sig, { pauseAt: step });
    assertRolledBack(o, sig, `step ${step}/${total}`);
    assert.equal(readdirSync(parent), [], `step ${step}: the parent folder is empty again`);
  }
});

test('add, interrupted at every write step: the project is exactly as it was', async () => {
  const dir = join(tmp(), 'shop');
  const answers = { ...defaultsFor('shop'), cache: 'none' as const };
  writeProject(dir, renderProject(answers));
  writeFileSync(join(dir, '.yo-rc.json'), `${JSON.stringify({ 'generator-pydocker': { answers, version: 1 } }, null, 2)}\n`);
  const before = snapshot(dir);
  let step = 1;
  for (; ; step++) {
    const sig = SIGS[step % SIGS.length]!;
    const o = await interrupted(['add', 'redis'], dir, sig, { pauseAt: step });
    if (o.code === 0) break; // past the last step: the run finished without pausing
    assertRolledBack(o, sig, `step ${step}`);
    assert.equal(treeDiff(before, snapshot(dir)), [], `step ${step}`);
  }
  assert.ok(step > 10, `every step of the add was interrupted once (${step - 1} steps)`);
});

test('signals at arbitrary moments: either nothing changed (130/143) or the run had finished (0, whole project)', async () => {
  const whole = renderProject(defaultsFor('svc')).length + 1;
  const seen = new Set<string>();
  for (const [i, delayMs] of [0, 40, 80, 120, 160, 200, 240, 280, 320, 400, 500, 700].entries()) {
    const parent = tmp();
    const sig = SIGS[i % 2]!;
    const o = await interrupted(['new', 'svc', '--yes'], parent, sig, { delayMs });
    const entries = readdirSync(parent);
    if (o.code === 0) {
      seen.add('finished');
      const tree = snapshot(join(parent, 'svc'));
      assert.is(Object.keys(tree).filter((k) => !k.endsWith('/')).length, whole, `${delayMs} ms: a finished run wrote the whole project`);
    } else if (o.signal === sig) {
      // Killed before the handlers were installed (nothing written), or while the process was exiting after a
      // finished run (a signal that lands as node shuts down ends it by the signal): never half a project.
      if (entries.length === 0) seen.add('killed during start-up');
      else {
        seen.add('killed while exiting');
        const tree = snapshot(join(parent, 'svc'));
        assert.is(Object.keys(tree).filter((k) => !k.endsWith('/')).length, whole, `${delayMs} ms: killed at exit, after the whole project`);
      }
    } else {
      seen.add('rolled back');
      assertRolledBack(o, sig, `${delayMs} ms`);
      assert.equal(entries, [], `${delayMs} ms`);
    }
  }
  assert.ok(seen.size >= 2, `the delays covered more than one phase: ${[...seen].join(', ')}`);
});

test.run();
