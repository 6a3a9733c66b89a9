// What the test tiers need to know about a component, kept in the component's folder (`<id>/verify.ts`, a
// module of tests' support, not of the generator): the matrix and the live tier find it there, so a new
// component brings its own checks.

/** A proxy config file and the backends (host:port or URL) it forwards requests to. */
export interface ProxyConfig {
  file: string;
  backends: string[];
  /** Problems the reader found in the file's structure (unbalanced braces, unparsable YAML). */
  problems: string[];
}

export interface VerifyKit {
  /** Tier 1: the proxy's config files in a generated project, and where each forwards to. */
  proxyConfigs?: (files: ReadonlyMap<string, string>) => ProxyConfig[];
  /** Config files whose comments tell a person local URLs (checked against the ports compose publishes). */
  docFiles?: string[];
}
