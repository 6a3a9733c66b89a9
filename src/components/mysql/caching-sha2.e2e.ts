// MySQL 8.4 logs users in with caching_sha2_password; the live tier's MariaDB does not, so it cannot show
// whether the generated app can log in to a real MySQL. A stand-in server that authenticates exactly that way
// (caching-sha2-server.py: the fast path misses, full authentication over plain TCP with the server's RSA key)
// shows it: the generated MySQL project's locked venv logs in; PyMySQL as 0.1.0 pinned it (no `cryptography`)
// cannot; a wrong password is refused, so the server really checks what it decrypts.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UV } from '../../../tools/pins.js';
import { answersFor, renderProject, writeProject } from '../../../test/support/generate.js';
import { TMP } from '../../../test/support/live/paths.js';
import { venvFor } from '../../../test/support/live/venv.js';
import { requireTool } from '../../../test/support/tools/common.js';

const SERVER = fileURLToPath(new URL('./caching-sha2-server.py', import.meta.url));
const LOGIN =
  'import sys, pymysql\nc = pymysql.connect(host="127.0.0.1", port=int(sys.argv[1]), user="app", password=sys.argv[2], database="svc")\nc.ping(reconnect=False)\nc.close()\nprint("logged in")';

let server: ChildProcess | undefined;

async function startServer(python: string): Promise<number> {
  const portFile = join(mkdtempSync(join(tmpdir(), 'pd-mysql-')), 'port');
  server = spawn(python, [SERVER, portFile, 'app', 's3cret'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100 && !existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 50));
  return Number(readFileSync(portFile, 'utf8'));
}

const login = (python: string, port: number, password: string) =>
  spawnSync(python, ['-c', LOGIN, String(port), password], { encoding: 'utf8', timeout: 30_000 });

test('caching_sha2_password over TCP: the generated MySQL project logs in; PyMySQL without cryptography cannot', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'pd-mysql-project-')), 'svc');
  writeProject(dir, renderProject(answersFor('svc', { framework: 'fastapi', database: 'mysql' })));
  const venv = await venvFor(dir);
  const port = await startServer(venv.python);
  try {
    const ok = login(venv.python, port, 's3cret');
    assert.is(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /logged in/);
    const wrong = login(venv.python, port, 'guess');
    assert.is.not(wrong.status, 0);
    assert.match(wrong.stderr, /Access denied \(password\)/);
    // The driver as pinned before (pymysql without its rsa extra), in a venv of its own.
    const uv = requireTool('uv', UV);
    const bare = join(mkdtempSync(join(tmpdir(), 'pd-pymysql-')), 'venv');
    const env = { ...process.env, UV_CACHE_DIR: join(TMP, 'uv-cache') };
    assert.is(spawnSync(uv, ['venv', '--quiet', '--python', 'python3', bare], { env }).status, 0);
    const install = spawnSync(uv, ['pip', 'install', '--quiet', '--python', join(bare, 'bin', 'python'), 'pymysql==1.2.4'], { env, encoding: 'utf8' });
    assert.is(install.status, 0, install.stderr);
    const before = login(join(bare, 'bin', 'python'), port, 's3cret');
    assert.is.not(before.status, 0);
    assert.match(before.stderr, /'cryptography' package is required for sha256_password or caching_sha2_password auth methods/);
  } finally {
    server?.kill();
  }
});

test.run();
