// What the test tiers need to know about a component, kept in the component's folder (`<id>/verify.ts`, test
// support, not part of the generator): the matrix and the live tier find it there, so a new component brings
// its own checks, servers and tools.
import type { Sandbox, SandboxProcess } from '../../test/support/live/sandbox.js';
import type { Problem, Project } from '../../test/verify/project.js';

/** A proxy config file and the backends (host:port or URL) it forwards requests to. */
export interface ProxyConfig {
  file: string;
  backends: string[];
  /** Problems the reader found in the file's structure (unbalanced braces, unparsable YAML). */
  problems: string[];
}

/** A proxy started by a kit inside the live sandbox, as its container would run. */
export interface LaunchedProxy {
  process: SandboxProcess;
  /** A path the proxy answers 200 on once it is ready (through to the app, or its own). */
  healthPath: string;
  notes: string[];
  cleanup(): void;
}

export interface LiveProxy {
  /** The stacks it can run in: production (TLS) runs on the stack that gets every check. */
  modes: Array<'dev' | 'prod'>;
  launch(sandbox: Sandbox, projectDir: string, mode: 'dev' | 'prod', log: string): Promise<LaunchedProxy>;
}

/** A server provided for one live stack (a scratch database, a database index, our own process…). */
export interface LiveServer {
  /** Where the app's connections are forwarded to; none for a file (SQLite). */
  target?: { host: string; port: number };
  note: string;
  /** Production env values the scratch server needs (e.g. an empty password). */
  overrides: Record<string, string>;
  /** The app's environment inside the sandbox: point it at the scratch resource (`dataDir`: its writable volume). */
  forApp(env: Record<string, string>, ctx: { dataDir: string }): void;
  /** The generated CI test job's environment (outside the sandbox): point it straight at the server. */
  forCi(env: Record<string, string>): void;
  stop(): Promise<void>;
}

export interface LiveDependency {
  /** `label` names scratch resources after the stack; `index` is the stack's number among those running. */
  provide(ctx: { logDir: string; index: number; label: string }): Promise<LiveServer>;
  /** Where the app's environment says this dependency is (a compose service and port). */
  locate(env: Record<string, string>): { host?: string; port: number };
}

export interface VerifyKit {
  /** Tier 1: the proxy's config files in a generated project, and where each forwards to. */
  proxyConfigs?: (files: ReadonlyMap<string, string>) => ProxyConfig[];
  /** Config files whose comments tell a person local URLs (checked against the ports compose publishes). */
  docFiles?: string[];
  /** Tier 1: checks of the component's own configuration and how it reaches the rest (problems found). */
  wiring?: (p: Project) => Problem[];
  liveProxy?: LiveProxy;
  /** Live tier: the server behind a cache, or a database. */
  liveCache?: LiveDependency;
  liveDatabase?: LiveDependency;
}
