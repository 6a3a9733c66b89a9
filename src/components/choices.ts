// Everything derived from the registry about choices: the values of each question, which components a set of
// answers selects, and the rules components state about each other. Prompts, flags, --help, validation, the
// preset schema, `add` and the matrix all read these, so a new component folder reaches all of them.
import type { Answers } from '../answers/options.js';
import { COMPONENTS, componentById } from './registry.js';
import type { Capability, Component, RuleContext, Slot } from './types.js';

export type ChoiceSlot = Exclude<Slot, 'core' | 'support'>;

/** The answer each choice slot fills, and whether it takes one value (`none` allowed when optional) or a set. */
export const CHOICE_SLOTS: Record<
  ChoiceSlot,
  {
    key: 'framework' | 'database' | 'cache' | 'proxy' | 'observability' | 'extras' | 'packaging';
    multi: boolean;
    optional: boolean;
    /** Whether `pydocker add` can fill it later (a project keeps its framework and its packaging). */
    addable: boolean;
  }
> = {
  framework: { key: 'framework', multi: false, optional: false, addable: false },
  database: { key: 'database', multi: false, optional: true, addable: true },
  cache: { key: 'cache', multi: false, optional: true, addable: true },
  proxy: { key: 'proxy', multi: false, optional: true, addable: true },
  observability: { key: 'observability', multi: true, optional: true, addable: true },
  extra: { key: 'extras', multi: true, optional: true, addable: true },
  packaging: { key: 'packaging', multi: false, optional: false, addable: false },
};

const inSlot = (slot: Slot) => COMPONENTS.filter((c) => c.slot === slot).map((c) => c.id);

/** The values of a choice question, in registry order; single optional slots end with `none`. */
export function choicesOf(slot: ChoiceSlot): string[] {
  const s = CHOICE_SLOTS[slot];
  return s.optional && !s.multi ? [...inSlot(slot), 'none'] : inSlot(slot);
}

/** Components that can carry the worker's tasks, in registry order. */
export const BROKER_IDS: string[] = COMPONENTS.filter((c) => c.celeryBroker).map((c) => c.id);

/** The components the answers choose directly (no core, nothing implied). */
function chosenIds(a: Partial<Answers>): string[] {
  const out: string[] = [];
  for (const [slot, s] of Object.entries(CHOICE_SLOTS)) {
    const v = a[s.key];
    for (const id of Array.isArray(v) ? v : v !== undefined && v !== 'none' ? [v] : []) {
      if (componentById(id)?.slot === slot) out.push(id);
    }
  }
  return out;
}

/** Every component of a project: the core, the chosen ones, and those they imply. */
export function selectedIds(a: Answers): Set<string> {
  const ids = new Set<string>([...inSlot('core'), ...chosenIds(a)]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of [...ids]) {
      for (const implied of componentById(id)?.implies?.(a) ?? []) {
        if (!ids.has(implied)) grew = ids.add(implied).size > 0;
      }
    }
  }
  return ids;
}

export function ruleContext(a: Partial<Answers>): RuleContext {
  const chosen = chosenIds(a).map((id) => componentById(id)!);
  return {
    can: (capability: Capability) => chosen.some((c) => c.capabilities?.includes(capability)),
    providers: (capability: Capability) => COMPONENTS.filter((c) => c.capabilities?.includes(capability)).map((c) => c.id),
    choice: (id: string) => {
      const c = componentById(id);
      const s = c && CHOICE_SLOTS[c.slot as ChoiceSlot];
      if (!c || !s) return undefined;
      const v = a[s.key];
      return { flag: flagFor(c), key: s.key, label: c.label, multi: s.multi, current: Array.isArray(v) ? v.join(',') || 'none' : String(v ?? 'none') };
    },
  };
}

/** How a person chooses a component: `--cache redis`, `--extras rabbitmq,worker`. */
export function flagFor(c: Component, alongside: string[] = []): string {
  const s = CHOICE_SLOTS[c.slot as ChoiceSlot];
  if (!s) return c.id;
  return `--${s.key} ${s.multi ? [...alongside, c.id].join(',') : c.id}`;
}

/** A chosen component that lacks one it requires: the problem, and the flag that fixes it. */
export function missingRequirements(a: Partial<Answers>): { component: Component; needs: Component; why: string }[] {
  const chosen = new Set(chosenIds(a));
  return [...chosen].flatMap((id) => {
    const c = componentById(id)!;
    return (c.requires ?? []).filter((r) => !chosen.has(r.id)).map((r) => ({ component: c, needs: componentById(r.id)!, why: r.why ?? '' }));
  });
}

/** Every rule the chosen components state about the answers, as problems with their fix. */
export function ruleProblems(a: Answers): string[] {
  const rules = ruleContext(a);
  const requires = missingRequirements(a).map(({ component, needs, why }) => {
    const key = CHOICE_SLOTS[component.slot as ChoiceSlot]?.key ?? component.id;
    return `--${key}: ${component.id} needs ${needs.id}${why}; add it (e.g. ${flagFor(needs, [])}${CHOICE_SLOTS[needs.slot as ChoiceSlot]?.multi ? `,${component.id}` : ''}) or drop ${component.id}`;
  });
  const checks = chosenIds(a).flatMap((id) => componentById(id)!.check?.(a, rules) ?? []);
  return [...requires, ...checks];
}

/** The worker's broker when none is asked for: a dedicated broker the project has, else the first one. */
export function defaultBroker(a: Partial<Answers>): string {
  const chosen = new Set(chosenIds(a));
  const dedicated = BROKER_IDS.find((id) => chosen.has(id) && componentById(id)!.capabilities?.includes('broker'));
  return dedicated ?? BROKER_IDS[0]!;
}

/** `id (label)` of every choice of a slot, for help texts. */
export function labelled(slot: ChoiceSlot): string {
  return COMPONENTS.filter((c) => c.slot === slot)
    .map((c) => `${c.id} (${c.label})`)
    .join(', ');
}

/** `; grafana needs prometheus` for the requirements between choices of one slot, for help texts. */
export function requirementNotes(slot: ChoiceSlot): string {
  return COMPONENTS.filter((c) => c.slot === slot)
    .flatMap((c) => (c.requires ?? []).map((r) => `; ${c.id} needs ${r.id}`))
    .join('');
}
