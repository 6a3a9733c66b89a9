// The generator's own version, as the package states it: recorded in every project it makes, so an upgrade
// knows which version's render to merge against.
import { readFileSync } from 'node:fs';

export const GENERATOR_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
