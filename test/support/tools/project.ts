// Generated projects for the tool checks. The whole project is rendered when every template renders; while
// other parts of the generator are still missing templates, only the proxy and observability files (plus the
// compose and env files, which come from data) are rendered, and a note says so once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Answers } from '../../../src/answers/options.js';
import { plan } from '../../../src/plan/plan.js';
import { render, TemplateError, type RenderedFile } from '../../../src/render/render.js';
import { answersFor, fakeSecret, renderProject, writeProject } from '../generate.js';

/** Template folders whose files these checks are about. */
export const TOOL_TEMPLATE_DIRS = ['nginx/', 'caddy/', 'prometheus/', 'grafana/', 'otel/'];

const isToolFile = (from: string) => TOOL_TEMPLATE_DIRS.some((d) => from.startsWith(d));

let noted = false;

/** Renders a project: the whole project when possible, else the files of TOOL_TEMPLATE_DIRS with compose/env. */
export function renderForTools(answers: Answers): { files: RenderedFile[]; partial: boolean } {
  try {
    return { files: renderProject(answers), partial: false };
  } catch (err) {
    // A failure in one of the proxy/observability templates is ours to see, never hidden.
    if (!(err instanceof TemplateError) || isToolFile(err.template)) throw err;
    if (!noted) {
      noted = true;
      console.warn(`note: full render failed (${err.message}); tool checks render only ${TOOL_TEMPLATE_DIRS.join(' ')} + compose/env files`);
    }
    const p = plan(answers);
    return { files: render({ ...p, files: p.files.filter((f) => isToolFile(f.to)) }, { secret: fakeSecret }), partial: true };
  }
}

/** Writes a project for `overrides` into a new temporary folder and returns the folder. */
export function generateProject(overrides: Partial<Answers> = {}, name = 'tool-check'): string {
  const dir = mkdtempSync(join(tmpdir(), `pydocker-${name}-`));
  writeProject(dir, renderForTools(answersFor(name, overrides)).files);
  return dir;
}
