// The generated project's own tests pass with the environment compose gives the app, not only with CI's: its
// cache URLs carry a password there (found by running the stacks with compose's environment).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../src/answers/options.js';
import { renderProject, writeProject } from '../support/generate.js';
import { runPytest, venvFor } from '../support/live/venv.js';

for (const cache of ['redis', 'valkey']) {
  test(`${cache}: tests/test_cache.py passes with a password in ${cache.toUpperCase()}_URL, as compose sets it`, async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pydocker-apptests-')), 'svc');
    writeProject(dir, renderProject({ ...defaultsFor('svc'), cache }));
    const venv = await venvFor(dir);
    const r = await runPytest(dir, venv, { APP_ENV: 'development', [`${cache.toUpperCase()}_URL`]: 'redis://:s3cret-from-compose@cache:6379/0' });
    assert.is(r.code, 0, r.output.slice(-3000));
  });
}

test.run();
