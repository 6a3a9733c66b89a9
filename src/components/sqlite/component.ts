// SQLite: a file in a named volume, no server.
import type { Component } from '../types.js';

export const component: Component = {
  id: 'sqlite',
  slot: 'database',
  capabilities: ['database'],
  label: 'SQLite (file in a volume)',
  contribute: () => ({
    // The file lives in a named volume shared by the migrate step and the app; see compose.ts.
    volumes: { dev: ['sqlite-data'], prod: ['sqlite-data'] },
    appEnv: { dev: { DATABASE_URL: 'sqlite:////data/app.db' }, prod: { DATABASE_URL: 'sqlite:////data/app.db' } },
    readiness: ['sqlite'],
  }),
};

