// The registry: every component, and which of them a set of answers selects. Adding a choice is adding its
// folder and one line here.
import { fileURLToPath } from 'node:url';
import type { Answers } from '../answers/options.js';
import { component as adminer } from './adminer/component.js';
import { component as app } from './app/component.js';
import { component as caddy } from './caddy/component.js';
import { component as django } from './django/component.js';
import { component as fastapi } from './fastapi/component.js';
import { component as flask } from './flask/component.js';
import { component as grafana } from './grafana/component.js';
import { component as mariadb } from './mariadb/component.js';
import { component as memcached } from './memcached/component.js';
import { component as mysql } from './mysql/component.js';
import { component as nginx } from './nginx/component.js';
import { component as otel } from './otel/component.js';
import { component as postgres } from './postgres/component.js';
import { component as project } from './project/component.js';
import { component as prometheus } from './prometheus/component.js';
import { component as rabbitmq } from './rabbitmq/component.js';
import { component as redis } from './redis/component.js';
import { component as sentry } from './sentry/component.js';
import { component as sqlalchemy } from './sqlalchemy/component.js';
import { component as sqlite } from './sqlite/component.js';
import { component as worker } from './worker/component.js';
import type { Component } from './types.js';

export const COMPONENTS: readonly Component[] = [
  app,
  project,
  fastapi,
  flask,
  django,
  sqlalchemy,
  postgres,
  mysql,
  mariadb,
  sqlite,
  redis,
  memcached,
  nginx,
  caddy,
  prometheus,
  grafana,
  otel,
  sentry,
  rabbitmq,
  worker,
  adminer,
];

/** The shared templates (project files, scripts, the app core); resolves the same from `src` and `dist`. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates', import.meta.url));

/** Where a component's templates live: `src/components/<id>/templates`, found from `src` and `dist` alike. */
export function templatesOf(c: Component): string {
  return c.sharedTemplates ? TEMPLATES_DIR : fileURLToPath(new URL(`../../src/components/${c.id}/templates`, import.meta.url));
}

export function componentById(id: string): Component | undefined {
  return COMPONENTS.find((c) => c.id === id);
}

/** The ids of the components a set of answers selects, including those derived from other choices. */
export function componentIdsFor(a: Answers): Set<string> {
  const ids = new Set<string>(COMPONENTS.filter((c) => c.slot === 'core' && c.sharedTemplates).map((c) => c.id));
  ids.add(a.framework);
  for (const choice of [a.database, a.cache, a.proxy]) if (choice !== 'none') ids.add(choice);
  for (const o of a.observability) ids.add(o);
  for (const e of a.extras) ids.add(e);
  if (a.framework !== 'django' && a.database !== 'none') ids.add('sqlalchemy');
  return ids;
}
