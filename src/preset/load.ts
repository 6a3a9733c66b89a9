// Finding, reading and checking a team preset: a folder or an npm package holding pydocker-preset.yaml/.json
// and an optional templates/ overlay. Every problem is reported at once, with where it is and what was expected.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { type Answers, OPTIONS } from '../answers/options.js';
import { UsageError } from '../answers/errors.js';
import { parsePartial } from '../answers/validate.js';

export interface PresetEnvVar {
  name: string;
  description: string;
  value?: string;
  prod?: string;
  secret?: boolean;
}

export interface PresetValues {
  organisation?: string;
  registry?: string;
  baseImage?: string;
  maintainers?: string[];
  labels?: Record<string, string>;
  env?: PresetEnvVar[];
  requirements?: string[];
}

export interface Preset {
  name: string;
  version: string;
  description?: string;
  /** Where it was resolved from: the folder, or the npm package name. */
  source: string;
  dir: string;
  defaults: Partial<Answers>;
  locked: Partial<Answers>;
  values: PresetValues;
  /** The preset's template overlay folder, when it has one. */
  templatesDir?: string;
}

export const PRESET_FILES = ['pydocker-preset.yaml', 'pydocker-preset.yml', 'pydocker-preset.json'];
export const SCHEMA_PATH = fileURLToPath(new URL('../../schema/pydocker-preset.schema.json', import.meta.url));

export class PresetError extends UsageError {
  constructor(
    where: string,
    readonly problems: string[],
  ) {
    super(`preset ${where} is not valid:\n  - ${problems.join('\n  - ')}`);
  }
}

/** A folder path (absolute, ./relative or ../relative, or existing) or a package name resolved from `cwd`. */
export function locatePreset(spec: string, cwd: string): { dir: string; source: string } {
  const asPath = isAbsolute(spec) ? spec : resolve(cwd, spec);
  if (spec.startsWith('.') || isAbsolute(spec) || (existsSync(asPath) && statSync(asPath).isDirectory())) {
    if (!existsSync(asPath))
      throw new UsageError(
        `preset folder ${asPath} does not exist; give a folder holding pydocker-preset.yaml, or an installed npm package (pydocker-preset-NAME)`,
      );
    return { dir: asPath, source: asPath };
  }
  const names = spec.startsWith('@') || spec.startsWith('pydocker-preset-') ? [spec] : [`pydocker-preset-${spec}`, spec];
  const require = createRequire(join(cwd, 'package.json'));
  for (const name of names) {
    try {
      return { dir: dirname(require.resolve(`${name}/package.json`)), source: name };
    } catch {
      /* try the next name */
    }
  }
  throw new UsageError(
    `preset "${spec}" not found: not a folder, and no npm package ${names.join(' or ')} is installed here. ` +
      `Install it (npm install -D ${names[0]}) or give the preset's folder path.`,
  );
}

let validator: ((data: unknown) => string[]) | undefined;

/**
 * The preset schema with every answer's allowed values filled in from the options table (and so from the
 * component registry): the file in schema/ holds the structure, the registry the choices.
 */
export function presetSchema(): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $defs: { answers: { properties: Record<string, Record<string, unknown>> } } };
  const props = schema.$defs.answers.properties;
  for (const o of OPTIONS) {
    if (!('choices' in o) || !props[o.key]) continue;
    const { description } = props[o.key]!;
    props[o.key] =
      o.kind === 'multi' ? { type: 'array', uniqueItems: true, items: { enum: [...o.choices] }, description } : { enum: [...o.choices], description };
  }
  return schema;
}

async function schemaValidator(): Promise<(data: unknown) => string[]> {
  if (validator) return validator;
  // Loaded only when a preset is used.
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const check = ajv.compile(presetSchema());
  validator = (data) => {
    if (check(data)) return [];
    return (check.errors ?? []).map((e) => {
      const at = e.instancePath || '/';
      if (e.keyword === 'additionalProperties') return `${at}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
      if (e.keyword === 'enum') return `${at}: ${e.message} (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`;
      return `${at}: ${e.message}`;
    });
  };
  return validator;
}

export async function loadPreset(spec: string, cwd: string): Promise<Preset> {
  const { dir, source } = locatePreset(spec, cwd);
  const file = PRESET_FILES.map((f) => join(dir, f)).find(existsSync);
  if (!file) throw new UsageError(`preset ${source} has no ${PRESET_FILES.join(' or ')}; create one (see \`pydocker preset init\`)`);
  let data: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new PresetError(file, [`cannot be parsed: ${(err as Error).message.split('\n')[0]}`]);
  }
  const problems = (await schemaValidator())(data);
  const raw = (data ?? {}) as {
    name: string;
    version: string;
    description?: string;
    defaults?: Record<string, unknown>;
    locked?: Record<string, unknown>;
    values?: PresetValues;
  };
  // Rules between answers (grafana needs prometheus) are checked once the answers are complete.
  const defaults = problems.length ? {} : parsePartial(raw.defaults ?? {}, `${file}: defaults`, problems);
  const locked = problems.length ? {} : parsePartial(raw.locked ?? {}, `${file}: locked`, problems);
  for (const key of Object.keys(locked)) if (key in defaults) problems.push(`/defaults/${key}: also locked; keep it in one of the two`);
  if (problems.length > 0) throw new PresetError(file, problems);
  const templatesDir = join(dir, 'templates');
  return {
    name: raw.name,
    version: raw.version,
    ...(raw.description ? { description: raw.description } : {}),
    source,
    dir,
    defaults,
    locked,
    values: raw.values ?? {},
    ...(existsSync(templatesDir) ? { templatesDir } : {}),
  };
}
