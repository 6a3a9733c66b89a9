// Safety checks on the target folder, before anything is asked or written.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../answers/errors.js';

export const CONFIG_KEY = 'generator-pydocker';
// Entries a fresh folder may already have without being "someone's files".
const HARMLESS = new Set(['.git', '.DS_Store', '.idea', '.vscode']);

export interface StoredPreset {
  name: string;
  version: string;
  source: string;
}

/** The preset recorded in a project's .yo-rc.json, if any (call after readStoredAnswers succeeded). */
export function readStoredPreset(dir: string): StoredPreset | undefined {
  const file = join(dir, '.yo-rc.json');
  if (!existsSync(file)) return undefined;
  const entry = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { preset?: StoredPreset }>)[CONFIG_KEY];
  const preset = entry?.preset;
  if (preset === undefined) return undefined;
  if (typeof preset?.source !== 'string' || typeof preset.version !== 'string') {
    throw new UsageError(`${file}: "${CONFIG_KEY}.preset" must have name, version and source; fix or remove it`);
  }
  return preset;
}

/** What .yo-rc.json records besides the answers: the generator version that made the project, and held lines. */
export interface StoredState {
  /** Absent in projects made before versions were recorded: 0.1.0. */
  generatorVersion: string;
  hold: Record<string, string>;
}

export function readStoredState(dir: string): StoredState {
  const file = join(dir, '.yo-rc.json');
  const entry = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { generatorVersion?: unknown; hold?: unknown }>)[CONFIG_KEY]
    : undefined;
  const version = entry?.generatorVersion ?? '0.1.0';
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new UsageError(`${file}: "${CONFIG_KEY}.generatorVersion" must be a version like 0.2.0; fix it, then run again`);
  }
  const hold = entry?.hold ?? {};
  if (typeof hold !== 'object' || hold === null || Array.isArray(hold) || Object.values(hold).some((v) => typeof v !== 'string')) {
    throw new UsageError(`${file}: "${CONFIG_KEY}.hold" must map component ids to the line they keep (e.g. {"postgres": "17"})`);
  }
  return { generatorVersion: version, hold: hold as Record<string, string> };
}

/** Stored answers of an existing pydocker project, or undefined for a folder that is not one. */
export function readStoredAnswers(dir: string): Record<string, unknown> | undefined {
  const file = join(dir, '.yo-rc.json');
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON (${(err as Error).message}); fix or delete it, then run again`);
  }
  const entry = (data as Record<string, unknown> | null)?.[CONFIG_KEY];
  if (entry === undefined) return undefined;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new UsageError(`${file}: "${CONFIG_KEY}" must be an object of answers; fix or delete it, then run again`);
  }
  const { answers } = entry as { answers?: unknown };
  if (answers !== undefined && (typeof answers !== 'object' || answers === null || Array.isArray(answers))) {
    throw new UsageError(`${file}: "${CONFIG_KEY}.answers" must be an object; fix or delete it, then run again`);
  }
  const stored = (answers as Record<string, unknown> | undefined) ?? {};
  // Projects made before the packaging choice (state version 1) install with pip from requirements files.
  if (Object.keys(stored).length > 0 && stored.packaging === undefined) return { ...stored, packaging: 'pip' };
  return stored;
}

/** Refuses a folder that holds someone's files but is not a pydocker project, unless forced. */
export function checkTargetFolder(dir: string, isProject: boolean, force: boolean): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`${dir} is a file, not a folder; choose another folder name (e.g. \`pydocker new my-service\`)`);
  }
  if (isProject || force || !existsSync(dir)) return;
  const entries = readdirSync(dir).filter((e) => !HARMLESS.has(e));
  if (entries.length === 0) return;
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : '');
  throw new UsageError(
    `${dir} already holds files (${shown}) and is not a pydocker project.\n` +
      `Choose a new or empty folder (e.g. \`pydocker new my-service\`), or pass --force to generate into it anyway.`,
  );
}
