// The registry: every component, found by its folder.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Component, Slot } from './types.js';

const SLOT_ORDER: Slot[] = ['core', 'framework', 'support', 'database', 'cache', 'proxy', 'observability', 'extra', 'packaging'];

/**
 * Every folder here with a `component` module is a component: adding a choice is adding its folder. They are
 * ordered by slot, then by their own `order`, whatever the file system lists first.
 */
async function discover(): Promise<Component[]> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const folders = readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && ['component.js', 'component.ts'].some((f) => existsSync(join(here, d.name, f))))
    .map((d) => d.name);
  const modules = (await Promise.all(folders.map((f) => import(`./${f}/component.js`)))) as { component: Component }[];
  return modules.map((m) => m.component).sort((x, y) => SLOT_ORDER.indexOf(x.slot) - SLOT_ORDER.indexOf(y.slot) || x.order - y.order);
}

export const COMPONENTS: readonly Component[] = await discover();

/** The shared templates (project files, scripts, the app core); resolves the same from `src` and `dist`. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates', import.meta.url));

/** Where a component's templates live: `src/components/<id>/templates`, found from `src` and `dist` alike. */
export function templatesOf(c: Component): string {
  return c.sharedTemplates ? TEMPLATES_DIR : fileURLToPath(new URL(`../../src/components/${c.id}/templates`, import.meta.url));
}

export function componentById(id: string): Component | undefined {
  return COMPONENTS.find((c) => c.id === id);
}
