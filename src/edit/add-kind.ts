// What `add <kind>` means for the stored answers: which slot a kind fills, and the refusals with alternatives.
import { type Answers, CACHES, DATABASES, OBSERVABILITY, PROXIES } from '../answers/options.js';
import { UsageError } from '../answers/errors.js';

const SLOTS = {
  database: DATABASES.filter((d) => d !== 'none'),
  cache: CACHES.filter((c) => c !== 'none'),
  proxy: PROXIES.filter((p) => p !== 'none'),
} as const;
type SlotName = keyof typeof SLOTS;

export const ADDABLE_KINDS: readonly string[] = [...SLOTS.database, ...SLOTS.cache, ...SLOTS.proxy, ...OBSERVABILITY];

export type Addition = { status: 'added'; answers: Answers } | { status: 'present'; message: string };

function slotOf(kind: string): SlotName | 'observability' | undefined {
  for (const [slot, kinds] of Object.entries(SLOTS)) if ((kinds as readonly string[]).includes(kind)) return slot as SlotName;
  return (OBSERVABILITY as readonly string[]).includes(kind) ? 'observability' : undefined;
}

/** The kinds this project can still take. */
export function addableTo(a: Answers): string[] {
  return ADDABLE_KINDS.filter((k) => {
    const slot = slotOf(k)!;
    return slot === 'observability' ? !a.observability.includes(k as never) : a[slot] === 'none';
  });
}

export function addKind(a: Answers, kind: string): Addition {
  const slot = slotOf(kind);
  if (!slot) {
    throw new UsageError(`unknown kind "${kind}"; kinds: ${ADDABLE_KINDS.join(', ')}`);
  }
  if (slot === 'observability') {
    if (a.observability.includes(kind as never)) return { status: 'present', message: `${kind} is already part of this project; nothing changed` };
    if (kind === 'grafana' && !a.observability.includes('prometheus')) {
      throw new UsageError('grafana needs prometheus as its data source: run `pydocker add prometheus` first');
    }
    const observability = OBSERVABILITY.filter((o) => o === kind || a.observability.includes(o));
    return { status: 'added', answers: { ...a, observability } };
  }
  const current = a[slot];
  if (current === kind) return { status: 'present', message: `${kind} is already this project's ${slot}; nothing changed` };
  if (current !== 'none') {
    const others = addableTo(a);
    throw new UsageError(
      `this project's ${slot} is already ${current}; a project has one ${slot}, so ${kind} cannot be added.` +
        (others.length ? ` Kinds you can add: ${others.join(', ')}.` : ''),
    );
  }
  return { status: 'added', answers: { ...a, [slot]: kind } };
}
