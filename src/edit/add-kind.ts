// What `add <kind>` means for the stored answers: which slot a kind fills, and the refusals with alternatives.
// Every kind is a component of the registry; its slot says whether it fills an empty place or joins a set.
import { UsageError } from '../answers/errors.js';
import type { Answers } from '../answers/options.js';
import { BROKER_IDS, CHOICE_SLOTS, type ChoiceSlot, choicesOf, missingRequirements } from '../components/choices.js';
import { COMPONENTS, componentById } from '../components/registry.js';

const SLOTS = (Object.keys(CHOICE_SLOTS) as ChoiceSlot[]).filter((s) => CHOICE_SLOTS[s].addable);

export const ADDABLE_KINDS: readonly string[] = SLOTS.flatMap((s) => choicesOf(s).filter((id) => id !== 'none'));

export type Addition = { status: 'added'; answers: Answers } | { status: 'present'; message: string };

function slotOf(kind: string): ChoiceSlot | undefined {
  const slot = componentById(kind)?.slot as ChoiceSlot | undefined;
  return slot && SLOTS.includes(slot) ? slot : undefined;
}

/** The answers with `kind` chosen in its slot (sets keep the registry's order). */
function withKind(a: Answers, kind: string): Answers {
  const slot = slotOf(kind)!;
  const { key, multi } = CHOICE_SLOTS[slot];
  if (!multi) return { ...a, [key]: kind };
  return { ...a, [key]: choicesOf(slot).filter((id) => id === kind || (a[key] as string[]).includes(id)) };
}

const has = (a: Answers, id: string) => {
  const slot = slotOf(id);
  if (!slot) return false;
  const v = a[CHOICE_SLOTS[slot].key];
  return Array.isArray(v) ? v.includes(id) : v === id;
};

/** The kinds this project can still take. */
export function addableTo(a: Answers): string[] {
  return ADDABLE_KINDS.filter((k) => {
    const { key, multi } = CHOICE_SLOTS[slotOf(k)!];
    return multi ? !(a[key] as string[]).includes(k) : a[key] === 'none';
  });
}

export function addKind(a: Answers, kind: string, options: { broker?: string } = {}): Addition {
  const slot = slotOf(kind);
  if (!slot) {
    throw new UsageError(`unknown kind "${kind}"; kinds: ${ADDABLE_KINDS.join(', ')}`);
  }
  if (options.broker !== undefined && !BROKER_IDS.includes(options.broker)) {
    throw new UsageError(`--broker: unknown value "${options.broker}"; valid values: ${BROKER_IDS.join(', ')}`);
  }
  const { key, multi } = CHOICE_SLOTS[slot];
  if (has(a, kind)) {
    return {
      status: 'present',
      message: multi ? `${kind} is already part of this project; nothing changed` : `${kind} is already this project's ${key}; nothing changed`,
    };
  }
  if (!multi && a[key] !== 'none') {
    const others = addableTo(a);
    throw new UsageError(
      `this project's ${key} is already ${String(a[key])}; a project has one ${key}, so ${kind} cannot be added.` +
        (others.length ? ` Kinds you can add: ${others.join(', ')}.` : ''),
    );
  }
  let next = withKind(a, kind);
  const missing = missingRequirements(next).find((m) => m.component.id === kind);
  if (missing) throw new UsageError(`${kind} needs ${missing.needs.id}${missing.why}: run \`pydocker add ${missing.needs.id}\` first`);
  // A component may bring what it needs along (the worker its broker).
  const whenAdded = componentById(kind)!.whenAdded;
  if (whenAdded) {
    const free = (id: string) => addableTo(next).includes(id);
    next = whenAdded(next, options, { has: (id) => has(next, id), choose: (answers, id) => withKind(answers, id), free, components: COMPONENTS });
  }
  return { status: 'added', answers: next };
}
