// The three env files: `.env` (development, real random secrets), `.env.example` (documents every variable)
// and `.env.prod.example` (placeholders for production). All come from the planned variables.
import type { EnvVar } from '../components/types.js';

/** Makes a secret for the named variable. */
export type SecretSource = (name: string) => string;

function block(vars: EnvVar[], value: (v: EnvVar) => string, note: (v: EnvVar) => string): string {
  return vars.map((v) => `# ${v.description}${note(v)}\n${v.name}=${value(v)}\n`).join('\n');
}

/** Reads KEY=VALUE lines of an existing env file (comments and blank lines ignored). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * `existing` holds the values of a `.env` already in the project: secrets found there are kept, so running
 * the generator again never rotates a password that a database volume was initialised with.
 */
export function envFiles(name: string, vars: EnvVar[], secret: SecretSource, existing: Record<string, string> = {}): Record<string, string> {
  const devVars = vars.filter((v) => !v.prodOnly);
  const isSecret = (v: EnvVar) => typeof v.dev !== 'string';
  const dev = block(
    devVars,
    (v) => (typeof v.dev === 'string' ? v.dev : existing[v.name] || secret(v.name)),
    () => '',
  );
  const example = block(
    devVars,
    (v) => (typeof v.dev === 'string' ? v.dev : ''),
    (v) => (isSecret(v) ? ' (secret: the generator wrote a random one into .env; generate your own, e.g. `openssl rand -hex 24`)' : ''),
  );
  const prod = block(
    vars,
    (v) => v.prod ?? (typeof v.dev === 'string' ? v.dev : ''),
    (v) => (v.requiredInProd ? ' (required)' : ''),
  );
  return {
    '.env': `# Development settings for ${name}. Generated with random secrets; never commit this file.\n\n${dev}`,
    '.env.example': `# Every variable the app and compose.yaml read, with its development value.\n# Copy to .env and fill in the secrets.\n\n${example}`,
    '.env.prod.example': `# Production settings: copy to .env.prod on the server (never into the image or git),\n# fill in every value marked (required), then run scripts/deploy.sh.\n\n${prod}`,
  };
}
