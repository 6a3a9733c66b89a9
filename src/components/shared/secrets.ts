// Production secrets as files: where Compose mounts them, and a component's file holding one required variable.
import type { SecretFile } from '../types.js';

/** Where Compose mounts a service's secret `name`. */
export const secretPath = (name: string): string => `/run/secrets/${name}`;

/** A file holding the env file's `variable`, named after it in lower case; write_secrets refuses it unset. */
export function requiredSecret(variable: string): SecretFile {
  return { name: variable.toLowerCase(), value: `\${${variable}:?set ${variable} in .env.prod}` };
}
