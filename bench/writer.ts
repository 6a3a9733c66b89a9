// Writer benchmark: what all-or-nothing writes cost over plain ones, for the default stack's files.
// Three ways, interleaved in one process so the ratios are measured side by side: plain writeFileSync,
// the writer with fsync turned off (staging, hard links, renames), and the writer as it ships.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultsFor } from '../src/answers/options.js';
import { plan } from '../src/plan/plan.js';
import { render } from '../src/render/render.js';
import { type FsOps, realFs } from '../src/write/fs-ops.js';
import { applyWrites, type FileWrite } from '../src/write/transaction.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);

const files: FileWrite[] = render(plan(defaultsFor('svc')), { secret: () => 'not-a-secret' }).map((f) => ({
  path: f.path,
  content: f.content,
  mode: f.secret ? 0o600 : f.executable ? 0o755 : 0o644,
}));

// The same calls without the flushes: shows how much of the cost is durability and how much is the protocol.
const noFsync: FsOps = {
  ...realFs,
  writeFileDurably: (p, content, mode) => writeFileSync(p, content, { flag: 'wx', mode }),
  syncDir: () => {},
};

const ways: Array<{ name: string; write(root: string): Promise<void> }> = [
  {
    name: 'plain writeFileSync',
    async write(root) {
      for (const f of files) {
        const path = join(root, f.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.content);
        chmodSync(path, f.mode);
      }
    },
  },
  { name: 'writer without fsync', write: (root) => applyWrites(root, files, { fs: noFsync }) },
  { name: 'writer (as shipped)', write: (root) => applyWrites(root, files) },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchWriter(): Promise<Array<{ name: string; ms: number; ratio: number }>> {
  const times = ways.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, way] of ways.entries()) {
      const root = mkdtempSync(join(tmpdir(), 'pydocker-bench-writer-'));
      const t0 = process.hrtime.bigint();
      await way.write(root);
      times[k]!.push(Number(process.hrtime.bigint() - t0) / 1e6);
      rmSync(root, { recursive: true, force: true });
    }
  }
  const base = median(times[0]!);
  return ways.map((w, k) => ({ name: w.name, ms: median(times[k]!), ratio: median(times[k]!) / base }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`Writer: ${files.length} files of the default stack, median of ${RUNS} rounds, ways interleaved`);
  console.log(`${'way'.padEnd(28)}${'median ms'.padStart(10)}${'ratio'.padStart(8)}`);
  for (const r of await benchWriter()) {
    console.log(`${r.name.padEnd(28)}${r.ms.toFixed(1).padStart(10)}${`${r.ratio.toFixed(1)}x`.padStart(8)}`);
  }
}
