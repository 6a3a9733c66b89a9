// The options the Yeoman environment was created with (`createEnv({ force, dryRun })`): yeoman-environment
// keeps them on the instance, but its public type does not declare them, so they are read here, once.
export function envOptions(env: unknown): { force?: boolean; dryRun?: boolean } {
  return (env as { options?: { force?: boolean; dryRun?: boolean } }).options ?? {};
}
