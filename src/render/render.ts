// Renders a plan into the project's files, in memory. No disk writes here: the Yeoman generator (or a test)
// decides what to do with the result, so a failure anywhere leaves nothing half-written.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { componentById, TEMPLATES_DIR, templatesOf } from '../components/registry.js';
import type { PlannedFile, StackPlan } from '../plan/types.js';
import { composeText } from './compose-file.js';
import { templateContext } from './context.js';
import { envFiles, type SecretSource } from './env-files.js';
import { randomBytes } from 'node:crypto';

export interface RenderedFile {
  path: string;
  content: string;
  executable?: boolean;
  /** Holds generated secrets (`.env`): created 0600, never shown in a diff. */
  secret?: boolean;
}

export { TEMPLATES_DIR };

export class TemplateError extends Error {
  constructor(
    readonly template: string,
    cause: unknown,
  ) {
    super(`template ${template} failed to render: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TemplateError';
  }
}

export interface RenderOptions {
  /**
   * A preset's template overlay: a file at the key of a built-in template (`project/README.md.ejs`,
   * `nginx/prod.conf.ejs`) replaces it; any other file is added to every project (its path without `.ejs`).
   */
  overlay?: string;
  secret?: SecretSource;
  /** Values of the project's current `.env`, whose secrets are kept. */
  existingEnv?: Record<string, string>;
}

export const randomSecret: SecretSource = () => randomBytes(24).toString('hex');

/** The built-in template a key names, if there is one: `<component>/<path>` or a shared template's path. */
export function builtinTemplate(key: string): string | undefined {
  const [first, ...rest] = key.split('/');
  const owner = first ? componentById(first) : undefined;
  const path = owner && !owner.sharedTemplates ? join(templatesOf(owner), ...rest) : join(TEMPLATES_DIR, key);
  return existsSync(path) ? path : undefined;
}

function sourceOf(spec: PlannedFile, overlay: string | undefined): string {
  const replaced = overlay ? join(overlay, spec.template) : undefined;
  if (replaced && existsSync(replaced)) return replaced;
  if (existsSync(spec.source)) return spec.source;
  throw new TemplateError(spec.template, new Error(`not found at ${spec.source}`));
}

// Compiling a template costs far more than running it; many projects are rendered per process (tests, the
// matrix, `add` renders two plans), so compiled templates are kept while their file is unchanged.
const cache = new Map<string, { mtimeMs: number; size: number; fn: (ctx: object) => string }>();

function compiled(path: string): (ctx: object) => string {
  const { mtimeMs, size } = statSync(path);
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.fn;
  const fn = ejs.compile(readFileSync(path, 'utf8'), { filename: path, async: false }) as (ctx: object) => string;
  cache.set(path, { mtimeMs, size, fn });
  return fn;
}

/** Overlay files that replace no built-in template: added to every project. */
function overlayAdditions(overlay: string): PlannedFile[] {
  const out: PlannedFile[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(overlay, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (!builtinTemplate(path)) out.push({ template: path, source: join(overlay, path), to: path.replace(/\.ejs$/, '') });
    }
  };
  walk('');
  return out.sort((a, b) => a.template.localeCompare(b.template));
}

export function render(plan: StackPlan, options: RenderOptions = {}): RenderedFile[] {
  const ctx = templateContext(plan, (name, c) =>
    plan.partials
      .filter((p) => p.name === name)
      .map((p) => {
        try {
          return compiled(p.source)(p.locals ? { ...c, ...p.locals } : c);
        } catch (err) {
          throw new TemplateError(p.template, err);
        }
      })
      .join(''),
  );
  const files: RenderedFile[] = [];
  const specs = [...plan.files, ...(options.overlay ? overlayAdditions(options.overlay) : [])];

  for (const spec of specs) {
    const source = sourceOf(spec, options.overlay);
    let content: string;
    if (spec.template.endsWith('.ejs')) {
      try {
        content = compiled(source)(spec.locals ? { ...ctx, ...spec.locals } : ctx);
      } catch (err) {
        throw new TemplateError(spec.template, err);
      }
    } else {
      content = readFileSync(source, 'utf8');
    }
    files.push({ path: spec.to, content, ...(spec.executable ? { executable: true } : {}) });
  }

  const a = plan.answers;
  files.push(
    {
      path: 'compose.yaml',
      content: composeText(
        plan.compose.dev,
        `Development stack for ${a.name}: docker compose up --watch\nSecrets come from .env (generated, git-ignored). Ports are published on 127.0.0.1 only.`,
      ),
    },
    {
      path: 'compose.prod.yaml',
      content: composeText(
        plan.compose.prod,
        `Production stack for ${a.name}: deployed by scripts/deploy.sh with --env-file .env.prod.\nOnly the proxy is published; IMAGE and TAG select the image to run.`,
      ),
    },
    ...plan.derivedFiles.map((d) => ({
      path: d.to,
      content: d.build({ name: a.name, requirements: plan.requirements, devRequirements: plan.devRequirements }),
    })),
    ...plan.derivedTrees.flatMap((build) => Object.entries(build(plan)).map(([path, content]) => ({ path, content }))),
  );
  for (const [path, content] of Object.entries(envFiles(a.name, plan.env, options.secret ?? randomSecret, options.existingEnv))) {
    files.push({ path, content, ...(path === '.env' ? { secret: true } : {}) });
  }

  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) {
      throw new TemplateError(
        f.path,
        new Error(`${f.path} is written twice; a preset overlay cannot add a file the generator builds from data (compose files, env files, lock files)`),
      );
    }
    seen.add(f.path);
  }
  return files.sort((x, y) => x.path.localeCompare(y.path));
}
