// Python text built from what people type stays valid and within ruff's line length (120), whatever they type.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { docstring, pyConstant, pyString } from '../src/render/python-text.js';
import { answersFor, renderProject } from './support/generate.js';

const tricky = ['plain', 'with "double" quotes', "it's", `both " and '`, 'back\\slash', 'ünïcödé ✓', 'ends with "'];

function pythonEval(literals: string[]): string[] {
  const r = spawnSync('python3', ['-c', 'import ast,json,sys; print(json.dumps([ast.literal_eval(l) for l in json.load(sys.stdin)]))'], {
    input: JSON.stringify(literals),
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

test('string literals and docstrings read back as the text that was typed', () => {
  assert.equal(pythonEval(tricky.map(pyString)), tricky);
  assert.equal(pythonEval(tricky.map((t) => docstring(t).replace(/^"""|"""$/g, '"""'))), tricky);
  assert.is(pyString('say "hi"'), `'say "hi"'`, 'fewer escapes, as ruff format writes it');
});

test('long constants and docstrings are wrapped as ruff format would', () => {
  const long = 'x'.repeat(130);
  assert.is(pyConstant('URL', long), `URL = (\n    "${long}"\n)`);
  assert.is(pyConstant('URL', 'short'), 'URL = "short"');
  const doc = docstring(`${'word '.repeat(40)}end`, 4);
  assert.ok(
    doc.split('\n').every((l) => l.length <= 120),
    doc,
  );
  // Just over one line: two lines of text, else ruff format joins text and closing quotes back together.
  const near = docstring(`${'abcd '.repeat(23)}xyz`);
  assert.is(near.split('\n').length, 3, near);
});

test('the longest name and description keep every generated Python line within 120 characters', () => {
  const name = `a${'-bcdefghij'.repeat(6)}`.slice(0, 63);
  const description = `${'Long description '.repeat(5)}with "quotes" & \\ `.slice(0, 100);
  for (const framework of ['fastapi', 'flask', 'django'] as const) {
    const files = renderProject(
      answersFor(name, {
        name,
        description,
        framework,
        observability: ['prometheus', 'grafana', 'otel', 'sentry'],
        extras: ['rabbitmq', 'worker', 'adminer'],
        broker: 'rabbitmq',
      }),
    );
    for (const f of files.filter((x) => x.path.endsWith('.py'))) {
      f.content.split('\n').forEach((line, i) => {
        assert.ok(line.length <= 120, `${framework} ${f.path}:${i + 1} has ${line.length} characters`);
      });
    }
  }
});

test.run();
