// `pydocker preset init [dir]` and `pydocker preset check [dir]`.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import ejs from 'ejs';
import { UsageError } from '../answers/errors.js';
import { resolveAnswers, finalizeAnswers } from '../answers/resolve.js';
import { plan } from '../plan/plan.js';
import { loadPreset, PRESET_FILES, presetSchema } from '../preset/load.js';
import { builtinTemplate, render, TEMPLATES_DIR } from '../render/render.js';

const PACKAGE_TEMPLATES = join(TEMPLATES_DIR, 'preset-package');

function listFiles(root: string, rel = ''): string[] {
  return readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(root, join(rel, e.name)) : [join(rel, e.name)]));
}

function init(dir: string): number {
  const name =
    basename(dir)
      .replace(/^pydocker-preset-/, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-') || 'team';
  const existing = PRESET_FILES.find((f) => existsSync(join(dir, f)));
  if (existing) throw new UsageError(`${join(dir, existing)} already exists; check it with \`pydocker preset check ${dir}\``);
  const ctx = { name, packageName: `pydocker-preset-${name}` };
  const written: string[] = [];
  for (const rel of listFiles(PACKAGE_TEMPLATES)) {
    const target = join(dir, rel.replace(/\.tpl$/, ''));
    if (existsSync(target)) throw new UsageError(`${target} already exists; choose an empty folder for the new preset`);
    written.push(target);
  }
  for (const rel of listFiles(PACKAGE_TEMPLATES)) {
    const target = join(dir, rel.replace(/\.tpl$/, ''));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, ejs.render(readFileSync(join(PACKAGE_TEMPLATES, rel), 'utf8'), ctx));
  }
  console.log(`Created preset ${ctx.packageName} in ${dir}:\n  ${written.map((w) => w.slice(dir.length + 1)).join('\n  ')}`);
  console.log(`Check it with \`pydocker preset check ${dir}\`; README.md there says how to publish it.`);
  return 0;
}

async function check(dir: string): Promise<number> {
  const preset = await loadPreset(dir, process.cwd());
  const { proposed } = resolveAnswers({
    folderName: 'preset-check',
    preset: {
      name: preset.name,
      defaults: preset.defaults,
      locked: preset.locked,
      ...(preset.values.registry ? { registryPrefix: preset.values.registry } : {}),
    },
  });
  const answers = finalizeAnswers(proposed);
  // Rendering a whole project proves the overlay's templates render with the real context.
  const files = render(plan(answers, { name: preset.name, version: preset.version, values: preset.values }), {
    ...(preset.templatesDir ? { overlay: preset.templatesDir } : {}),
  });
  const overlay = preset.templatesDir ? listFiles(preset.templatesDir) : [];
  const replaced = overlay.filter((f) => builtinTemplate(f) !== undefined);
  console.log(
    `preset ${preset.name} ${preset.version} is valid: ${Object.keys(preset.defaults).length} default(s), ` +
      `${Object.keys(preset.locked).length} locked answer(s), ${overlay.length} overlay file(s) ` +
      `(${replaced.length} replacing built-in templates); a project with its defaults renders ${files.length} files.`,
  );
  return 0;
}

export async function presetCommand(args: string[], cwd: string): Promise<number> {
  const [sub, dir = '.', ...extra] = args;
  if (extra.length > 0) throw new UsageError(`expected at most one folder, got: ${[dir, ...extra].join(' ')}`);
  const target = resolve(cwd, dir);
  if (sub === 'init') return init(target);
  if (sub === 'check') return check(target);
  if (sub === 'schema' && args.length === 1) {
    // For editors: the schema with every allowed value, as this version of the generator knows them.
    console.log(JSON.stringify(presetSchema(), null, 2));
    return 0;
  }
  throw new UsageError('usage: pydocker preset init [dir] | pydocker preset check [dir] | pydocker preset schema');
}
