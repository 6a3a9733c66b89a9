import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promptQuestion } from '../src/generators/app/questions.js';
import { defaultsFor, OPTIONS } from '../src/answers/options.js';
import { resolveAnswers, finalizeAnswers } from '../src/answers/resolve.js';
import { AnswerError, checkName, parsePartial } from '../src/answers/validate.js';

test('valid names pass; invalid ones say why and give an example', () => {
  for (const ok of ['my-service', 'api', 'orders_v2', 'a1-b2']) assert.is(checkName(ok), undefined, ok);
  for (const bad of ['My-Service', '1api', 'my--service', 'my service', '-x', 'x-', 'ünï', '']) {
    const msg = checkName(bad);
    assert.ok(msg, `expected "${bad}" to be refused`);
    assert.match(msg!, /e\.g\./);
  }
});

test('unknown select values are rejected with the list of valid ones', () => {
  const problems: string[] = [];
  parsePartial({ framework: 'rails', database: 'oracle', cache: 'redis' }, 'flags', problems);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /--framework: unknown value "rails"; valid values: fastapi, flask, django/);
  assert.match(problems[1]!, /--database: unknown value "oracle"; valid values: postgres, mysql, mariadb, sqlite, none/);
});

test('observability accepts a list, none, and keeps a canonical order', () => {
  const problems: string[] = [];
  const parsed = parsePartial({ observability: 'sentry, prometheus' }, 'flags', problems);
  assert.equal(parsed.observability, ['prometheus', 'sentry']);
  assert.equal(parsePartial({ observability: 'none' }, 'flags', problems).observability, []);
  parsePartial({ observability: 'prometheus,datadog' }, 'flags', problems);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /"datadog"/);
});

test('grafana without prometheus is refused with the fix', () => {
  const a = { ...defaultsFor('x'), observability: ['grafana' as const] };
  try {
    finalizeAnswers(a);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, AnswerError);
    assert.match((err as Error).message, /grafana needs prometheus/);
  }
});

test('port must be a whole number a non-root user can bind', () => {
  const problems: string[] = [];
  assert.equal(parsePartial({ port: 'eighty' }, 'flags', problems), {});
  assert.match(problems[0]!, /--port: "eighty" is not a number/);
  for (const port of [80, 70000]) assert.throws(() => finalizeAnswers({ ...defaultsFor('x'), port }), /1024 to 65535/);
});

test('precedence: defaults < preset < stored < flags; given answers are not asked', () => {
  const r = resolveAnswers({
    folderName: 'Some Folder',
    preset: { name: 'team', defaults: { cache: 'memcached', proxy: 'caddy', python: '3.12' }, locked: {} },
    stored: { proxy: 'none', framework: 'flask' },
    flags: { framework: 'django', port: '9000' },
  });
  assert.is(r.proposed.name, 'some-folder');
  assert.is(r.proposed.cache, 'memcached');
  assert.is(r.proposed.proxy, 'none');
  assert.is(r.proposed.framework, 'django');
  assert.is(r.proposed.port, 9000);
  assert.is(r.proposed.python, '3.12');
  // The broker is asked only with a worker.
  assert.equal(new Set(r.missing), new Set(OPTIONS.map((o) => o.key).filter((k) => !['proxy', 'framework', 'port', 'broker'].includes(k))));
});

test('the registry default follows the project name', () => {
  assert.is(resolveAnswers({ folderName: 'x', flags: { name: 'billing-api' } }).proposed.registry, 'billing-api');
  assert.is(resolveAnswers({ folderName: 'x', flags: { name: 'a', registry: 'ghcr.io/acme/a' } }).proposed.registry, 'ghcr.io/acme/a');
});

test('every problem in the input is reported at once', () => {
  try {
    resolveAnswers({ folderName: 'x', stored: { framework: 'rails', colour: 'blue' }, flags: { cache: 'mongo' } });
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.equal((err as AnswerError).problems.length, 3);
  }
});

test('the default name derived from any folder is a valid name', () => {
  for (const folder of ['My Service', '2024-api', 'ff1821a8', '0bd76fd0a9c5', 'a__b', 'Über.Tool', '---x---']) {
    const name = defaultsFor(folder).name;
    assert.is(checkName(name), undefined, `${folder} -> ${name}`);
  }
  assert.is(defaultsFor('Billing API').name, 'billing-api');
});

test('the observability checkbox refuses grafana without prometheus (inquirer passes the chosen choices)', () => {
  const q = promptQuestion('observability', defaultsFor('x')) as { validate: (chosen: { value: string }[]) => true | string };
  assert.match(String(q.validate([{ value: 'grafana' }])), /grafana needs prometheus/);
  assert.is(q.validate([{ value: 'prometheus' }, { value: 'grafana' }]), true);
});

test.run();
