// SQLite: a file in a volume, no database server; the docs never send a person to a `db` service.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultsFor } from '../../answers/options.js';
import { plan } from '../../plan/plan.js';
import { render } from '../../render/render.js';

test('sqlite: no db service, and the README never starts one (migrations included)', () => {
  for (const framework of ['fastapi', 'flask', 'django']) {
    const p = plan({ ...defaultsFor('demo'), framework, database: 'sqlite' });
    assert.is(p.compose.dev.services.db, undefined);
    const readme = render(p, { secret: () => 's' }).find((f) => f.path === 'README.md')!.content;
    assert.not.match(readme, /docker compose up[^\n]* db\b/, framework);
  }
});

test.run();
