// Each component's test kit (`src/components/<id>/verify.ts`), loaded once: the checks ask the components of a
// project what to read, instead of knowing every choice themselves.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMPONENTS } from '../../src/components/registry.js';
import type { VerifyKit } from '../../src/components/verify-kit.js';

const loaded = await Promise.all(
  COMPONENTS.map(async (c): Promise<[string, VerifyKit]> => {
    const url = new URL(`../../src/components/${c.id}/verify.ts`, import.meta.url);
    return [c.id, existsSync(fileURLToPath(url)) ? ((await import(url.href)) as { kit: VerifyKit }).kit : {}];
  }),
);
const KITS = new Map(loaded);

export function kitOf(id: string): VerifyKit {
  return KITS.get(id) ?? {};
}
