// SQLite: a file in a named volume, no server.
import { databaseSetting } from '../shared/server-db.js';
import type { Component } from '../types.js';

export const component: Component = {
  id: 'sqlite',
  order: 4,
  slot: 'database',
  capabilities: ['database'],
  label: 'SQLite (file in a volume)',
  contribute: () => ({
    // The file lives in a named volume shared by the migrate step and the app; see compose.ts.
    volumes: { dev: ['sqlite-data'], prod: ['sqlite-data'] },
    appEnv: { dev: { DATABASE_URL: 'sqlite:////data/app.db' }, prod: { DATABASE_URL: 'sqlite:////data/app.db' } },
    settings: [databaseSetting('sqlite:///data/app.db', 'sqlite:////data/app.db', 'sqlite:')],
    readiness: [{ name: 'sqlite', module: 'db' }],
    ci: { env: { DATABASE_URL: 'sqlite:///ci.db' } },
    docs: {
      name: 'SQLite',
      note: ' (file `/data/app.db` in the `sqlite-data` volume)',
      native: { lines: ['mkdir -p data                    # the SQLite file goes to ./data/app.db'] },
      builtVariables: ['DATABASE_URL'],
    },
    // The file is copied from inside the web container, which has the volume.
    backup: {
      engine: 'SQLite',
      ext: 'sqlite3',
      needsImage: true,
      about: "The copy is taken with SQLite's online backup API from inside the web container, so it is consistent\nwhile the app keeps writing.",
      readme: "SQLite's online backup API copies the live file from inside the web container;",
    },
    partials: { 'backup-dump': 'backup/dump.sh.ejs', 'backup-restore': 'backup/restore.sh.ejs' },
  }),
};
