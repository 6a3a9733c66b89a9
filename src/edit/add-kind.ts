// What `add <kind>` means for the stored answers: which slot a kind fills, and the refusals with alternatives.
import { type Answers, type Broker, BROKERS, CACHES, DATABASES, EXTRAS, OBSERVABILITY, PROXIES } from '../answers/options.js';
import { UsageError } from '../answers/errors.js';

const SLOTS = {
  database: DATABASES.filter((d) => d !== 'none'),
  cache: CACHES.filter((c) => c !== 'none'),
  proxy: PROXIES.filter((p) => p !== 'none'),
} as const;
type SlotName = keyof typeof SLOTS;

export const ADDABLE_KINDS: readonly string[] = [...SLOTS.database, ...SLOTS.cache, ...SLOTS.proxy, ...OBSERVABILITY, ...EXTRAS];

export type Addition = { status: 'added'; answers: Answers } | { status: 'present'; message: string };

function slotOf(kind: string): SlotName | 'observability' | 'extras' | undefined {
  for (const [slot, kinds] of Object.entries(SLOTS)) if ((kinds as readonly string[]).includes(kind)) return slot as SlotName;
  if ((OBSERVABILITY as readonly string[]).includes(kind)) return 'observability';
  return (EXTRAS as readonly string[]).includes(kind) ? 'extras' : undefined;
}

/** The kinds this project can still take. */
export function addableTo(a: Answers): string[] {
  return ADDABLE_KINDS.filter((k) => {
    const slot = slotOf(k)!;
    if (slot === 'observability' || slot === 'extras') return !(a[slot] as string[]).includes(k);
    return a[slot] === 'none';
  });
}

/** The worker's broker: the one asked for, else the one the project already has. */
function workerBroker(a: Answers, asked: Broker | undefined): Broker {
  if (asked) return asked;
  if (a.extras.includes('rabbitmq')) return 'rabbitmq';
  if (a.cache === 'redis') return 'redis';
  throw new UsageError(
    `the worker needs a broker and this project has none: pass --broker rabbitmq (adds RabbitMQ)${a.cache === 'none' ? ' or --broker redis (adds Redis)' : ''}`,
  );
}

function addExtra(a: Answers, kind: string, broker: Broker | undefined): Addition {
  if (a.extras.includes(kind as never)) return { status: 'present', message: `${kind} is already part of this project; nothing changed` };
  if (kind !== 'worker') return { status: 'added', answers: { ...a, extras: EXTRAS.filter((e) => e === kind || a.extras.includes(e)) } };
  const chosen = workerBroker(a, broker);
  // The broker comes along when the project lacks it.
  const wanted = new Set<string>([...a.extras, 'worker', ...(chosen === 'rabbitmq' ? ['rabbitmq'] : [])]);
  const cache = chosen === 'redis' && a.cache === 'none' ? 'redis' : a.cache;
  return { status: 'added', answers: { ...a, cache, broker: chosen, extras: EXTRAS.filter((e) => wanted.has(e)) } };
}

export function addKind(a: Answers, kind: string, options: { broker?: string } = {}): Addition {
  const slot = slotOf(kind);
  if (!slot) {
    throw new UsageError(`unknown kind "${kind}"; kinds: ${ADDABLE_KINDS.join(', ')}`);
  }
  if (options.broker !== undefined && !(BROKERS as readonly string[]).includes(options.broker)) {
    throw new UsageError(`--broker: unknown value "${options.broker}"; valid values: ${BROKERS.join(', ')}`);
  }
  if (slot === 'extras') return addExtra(a, kind, options.broker as Broker | undefined);
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
