// Editing a user's compose file from a model difference: their comments, order, services and values survive.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { defaultsFor, type Answers } from '../src/answers/options.js';
import { applyComposeChange, ComposeParseError, parseCompose } from '../src/edit/compose-merge.js';
import { plan } from '../src/plan/plan.js';
import { composeText, COMPOSE_STRINGIFY } from '../src/render/compose-file.js';

const answers = (o: Partial<Answers>): Answers => ({ ...defaultsFor('shop'), ...o });
const models = (o: Partial<Answers>) => plan(answers(o)).compose;

test('adding redis to an untouched file gives the model of a project generated with redis', () => {
  const before = models({ cache: 'none' });
  const after = models({ cache: 'redis' });
  for (const mode of ['dev', 'prod'] as const) {
    const doc = parseCompose('compose.yaml', composeText(before[mode], 'header'));
    assert.equal(applyComposeChange(doc, before[mode] as never, after[mode] as never), []);
    assert.equal(parse(doc.toString(COMPOSE_STRINGIFY)), JSON.parse(JSON.stringify(after[mode])));
  }
});

test("the user's comments, reordered keys, extra service and changed port survive", () => {
  const before = models({ cache: 'none' }).dev;
  const after = models({ cache: 'redis' }).dev;
  let text = composeText(before, 'header');
  text = text.replace('services:\n', 'services:\n  # our mail catcher, keep it\n  mailpit:\n    image: axllent/mailpit:v1.20\n');
  text = text.replace('127.0.0.1:8000:8000', '127.0.0.1:9000:8000');
  text = text.replace('name: shop\n', 'name: shop # team naming rule\n');
  const doc = parseCompose('compose.yaml', text);
  assert.equal(applyComposeChange(doc, before as never, after as never), []);
  const out = doc.toString(COMPOSE_STRINGIFY);
  const model = parse(out);
  assert.match(out, /# our mail catcher, keep it/);
  assert.match(out, /name: shop # team naming rule/);
  assert.is(model.services.mailpit.image, 'axllent/mailpit:v1.20');
  assert.equal(model.services.web.ports, ['127.0.0.1:9000:8000']);
  assert.ok(model.services.cache);
  assert.equal(model.services.web.depends_on.cache, { condition: 'service_healthy' });
  assert.ok(model.services.web.environment.REDIS_URL);
  assert.ok('redis-data' in model.volumes);
  assert.ok(Object.keys(model.services).indexOf('mailpit') === 0, 'order kept');
});

test('a value the user changed that the change also needs is kept and reported', () => {
  const before = models({ proxy: 'none' }).prod;
  const after = models({ proxy: 'nginx' }).prod;
  const text = composeText(before, 'h').replace('- 8000:8000', '- 8443:8000');
  const doc = parseCompose('compose.prod.yaml', text);
  const conflicts = applyComposeChange(doc, before as never, after as never);
  assert.equal(
    conflicts.map((c) => c.path),
    ['services.web.ports'],
  );
  assert.equal(parse(doc.toString()).services.web.ports, ['8443:8000']);
});

test('a renamed service the change extends is reported, not recreated', () => {
  const before = models({ cache: 'none' }).dev;
  const after = models({ cache: 'redis' }).dev;
  const doc = parseCompose('compose.yaml', composeText(before, 'h').replace(/^ {2}web:$/m, '  api:'));
  const conflicts = applyComposeChange(doc, before as never, after as never);
  assert.ok(conflicts.some((c) => c.path === 'services.web'));
  assert.is(parse(doc.toString()).services.web, undefined);
});

test('a key the change adds lands where the new model has it, so an unedited file becomes the new render exactly', () => {
  const before = { services: { proxy: { image: 'nginx:1', volumes: ['a:/a'], ports: ['80:80'] } } };
  const after = { services: { proxy: { image: 'nginx:2', networks: ['frontend'], volumes: ['a:/a'], ports: ['80:80'] } }, networks: { frontend: {} } };
  const doc = parseCompose('compose.yaml', composeText(before as never, 'h'));
  assert.equal(applyComposeChange(doc, before, after), []);
  assert.is(doc.toString(COMPOSE_STRINGIFY), composeText(after as never, 'h'));
  // With a key of the user's in between, the new key still follows the one it follows in the model.
  const mine = parseCompose('compose.yaml', composeText(before as never, 'h').replace('    volumes:', '    labels: [team]\n    volumes:'));
  applyComposeChange(mine, before, after);
  assert.equal(Object.keys(parse(mine.toString()).services.proxy), ['image', 'networks', 'labels', 'volumes', 'ports']);
});

test('a plain `restart: no` (false to a YAML 1.1 reader) comes out quoted when a change is merged in; keys stay as they are', () => {
  const before = models({ cache: 'none' }).prod;
  const after = models({ cache: 'redis' }).prod;
  const text = composeText(before, 'header').replace('restart: "no"', 'restart: no');
  assert.match(text, /restart: no\n/);
  const doc = parseCompose('compose.prod.yaml', `${text}x-flags:\n  on: yes\n`);
  applyComposeChange(doc, before as never, after as never);
  const out = doc.toString(COMPOSE_STRINGIFY);
  assert.match(out, /restart: "no"\n/);
  assert.match(out, /\n {2}on: "yes"\n/);
  assert.is(parse(out).services.migrate.restart, 'no');
});

test('malformed YAML is refused with its line', () => {
  try {
    parseCompose('compose.yaml', 'services:\n  web:\n    image: [unclosed\n');
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, ComposeParseError);
    assert.match((err as Error).message, /compose\.yaml is not valid YAML: line \d+/);
  }
});

test.run();
