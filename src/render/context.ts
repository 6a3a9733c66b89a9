// What every template sees. Kept small and named plainly so templates read like the files they produce.
import type { Answers } from '../answers/options.js';
import { ACTIONS, HOOKS, IMAGES, PY, pythonImage } from '../components/pins.js';
import type { Capability, DocsFacet } from '../components/types.js';
import type { StackPlan } from '../plan/types.js';
import type { PresetValues } from '../preset/load.js';
import { docstring, pyConstant } from './python-text.js';

export interface TemplateContext {
  answers: Answers;
  plan: StackPlan;
  /**
   * Whether a component (e.g. 'postgres', 'nginx', 'sqlalchemy') is part of the project. For a component's
   * own templates; shared templates ask `can` and read the components' facets instead.
   */
  has(id: string): boolean;
  /** Whether a chosen component has a capability (`database`, `proxy`, `tracing`…). */
  can(capability: Capability): boolean;
  /** Every component's entries of one README facet, in registry order. */
  docs<K extends ListKeys<DocsFacet>>(key: K): NonNullable<DocsFacet[K]>;
  /** The text components contribute under a name, rendered with this context (empty when none does). */
  partial(name: string): string;
  /** Whether the project gets a file at this path (or below this folder). */
  ships(path: string): boolean;
  /** Display names of the chosen framework, database, cache and proxy. */
  names: StackPlan['names'];
  /** The name as a Python identifier (my-service -> my_service). */
  pyName: string;
  /** Human title (my-service -> My Service). */
  title: string;
  /** Image references of the shared pins table, by key (`images.postgres`). */
  images: Record<keyof typeof IMAGES, string>;
  /** `uses:` of each GitHub Action the CI runs: `owner/repo@<commit> # <tag>`. */
  actions: Record<keyof typeof ACTIONS, string>;
  hooks: typeof HOOKS;
  pins: typeof PY;
  pythonImage: string;
  /** Exec-form JSON array, as Dockerfile CMD wants it. */
  execForm(argv: string[]): string;
  /** The team preset's name, version and values; empty values without a preset. */
  preset: { name?: string; version?: string; values: PresetValues };
  /** OCI labels for the image beyond the standard ones (from the preset). */
  labels: Record<string, string>;
  /** The host port a service publishes in development (e.g. devPort('proxy') -> 8080), from the plan. */
  devPort(service: string): number | undefined;
  /** A Python docstring of free text (names, the description), wrapped to the line length ruff enforces. */
  docstring(text: string, indent?: number): string;
  /** `NAME = "value"` as ruff format would write it. */
  pyConstant(name: string, value: string): string;
}

type ListKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends unknown[] ? K : never }[keyof T];

export function templateContext(plan: StackPlan, partial: (name: string, ctx: TemplateContext) => string): TemplateContext {
  const a = plan.answers;
  const ids = new Set(plan.components);
  const capabilities = new Set(plan.capabilities);
  const ctx: TemplateContext = {
    answers: a,
    plan,
    has: (id) => ids.has(id),
    can: (capability) => capabilities.has(capability),
    // One facet key, so the flattened entries are that facet's entry type.
    docs: <K extends ListKeys<DocsFacet>>(key: K) => plan.docs.flatMap((d) => (d[key] ?? []) as unknown[]) as NonNullable<DocsFacet[K]>,
    partial: (name) => partial(name, ctx),
    ships: (p) => plan.files.some((f) => f.to === p || f.to.startsWith(`${p}/`)),
    names: plan.names,
    pyName: a.name.replace(/-/g, '_'),
    title: a.name
      .split(/[-_]/)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' '),
    actions: Object.fromEntries(Object.entries(ACTIONS).map(([k, v]) => [k, `${v.repo}@${v.commit} # ${v.tag}`])) as Record<keyof typeof ACTIONS, string>,
    hooks: HOOKS,
    images: Object.fromEntries(Object.entries(IMAGES).map(([k, v]) => [k, v.ref])) as Record<keyof typeof IMAGES, string>,
    pins: PY,
    // A preset may replace the base image (e.g. the team's hardened, mirrored python image).
    pythonImage: plan.preset?.values.baseImage ?? pythonImage(a.python),
    preset: { name: plan.preset?.name, version: plan.preset?.version, values: plan.preset?.values ?? {} },
    labels: plan.preset?.values.labels ?? {},
    docstring,
    pyConstant,
    devPort: (service) => {
      const ports = plan.compose.dev.services[service]?.ports as string[] | undefined;
      const hostPort = ports?.[0]?.split(':').at(-2);
      return hostPort ? Number(hostPort) : undefined;
    },
    execForm: (argv) => JSON.stringify(argv),
  };
  return ctx;
}
