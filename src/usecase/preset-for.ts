// Which preset a run uses: the one asked for, else the one the project was made with (re-runs, `add`).
import { UsageError } from '../answers/errors.js';
import { loadPreset, type Preset } from '../preset/load.js';
import type { StoredPreset } from './project-folder.js';

export async function presetFor(
  asked: string | undefined,
  stored: StoredPreset | undefined,
  cwd: string,
  warn: (m: string) => void,
): Promise<Preset | undefined> {
  if (asked && stored && asked !== stored.source) {
    throw new UsageError(
      `this project was made with preset "${stored.name}" (${stored.source}); it cannot switch to ${asked}. Edit .yo-rc.json if you really mean to.`,
    );
  }
  const spec = asked ?? stored?.source;
  if (!spec) return undefined;
  const preset = await loadPreset(spec, cwd);
  if (stored && stored.version !== preset.version) {
    warn(`warning: this project was made with preset ${stored.name} ${stored.version}; the installed one is ${preset.version}.`);
  }
  return preset;
}
