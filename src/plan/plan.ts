// The planner: answers in, a complete description of the project out. Pure: no I/O, no randomness
// (secrets are generated when files are rendered), so every combination can be planned and checked quickly.
import type { Answers } from '../answers/options.js';
import { AnswerError, validateOnce } from '../answers/validate.js';
import { join } from 'node:path';
import { selectedIds } from '../components/choices.js';
import { COMPONENTS, componentById, templatesOf } from '../components/registry.js';
import type { Component, Contribution, EnvVar, PlanContext, ServeSpec } from '../components/types.js';
import { appSecretFiles, buildCompose } from './compose.js';
import type { PlannedFile, PlanPreset, StackPlan } from './types.js';
import { presetContribution } from '../preset/contribution.js';

const SETTING_GROUPS = ['connection', 'secret', 'errors', 'tracing'];

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function mergeEnvVars(contributions: Contribution[]): EnvVar[] {
  const byName = new Map<string, EnvVar>();
  for (const c of contributions) for (const v of c.env ?? []) if (!byName.has(v.name)) byName.set(v.name, v);
  return [...byName.values()];
}

/** Two services publishing the same host port cannot both start; say which, and what to change. */
function hostPortClashes(services: Record<string, Record<string, unknown>>): string[] {
  const owners = new Map<string, string[]>();
  for (const [name, s] of Object.entries(services)) {
    for (const p of (s.ports as string[] | undefined) ?? []) {
      const host = p.split(':').slice(0, -1).join(':');
      owners.set(host, [...(owners.get(host) ?? []), name]);
    }
  }
  return [...owners]
    .filter(([, names]) => names.length > 1)
    .map(([host, names]) => `--port: ${host} would be published by both ${names.join(' and ')} in development; choose another --port`);
}

export function plan(answers: Answers, preset?: PlanPreset, options: { hold?: Record<string, string> } = {}): StackPlan {
  const problems = validateOnce(answers);
  if (problems.length > 0) throw new AnswerError(problems);

  const ids = selectedIds(answers);
  const chosen = COMPONENTS.filter((c) => ids.has(c.id));
  const capabilities = new Set(chosen.flatMap((c) => c.capabilities ?? []));
  const hold = options.hold ?? {};
  const ctx: PlanContext = { answers, hold, has: (id) => ids.has(id), lookup: componentById, can: (c) => capabilities.has(c) };
  const contributions = chosen.map((c) => c.contribute(ctx));
  if (preset) contributions.push(presetContribution(preset.values));
  const serves = contributions.map((c) => c.serve).filter((s): s is ServeSpec => s !== undefined);
  if (serves.length !== 1) throw new Error(`internal: expected exactly one framework to say how the app is served, got ${serves.length}`);
  const serve = serves[0]!;

  const all = <K extends keyof Contribution>(key: K) => contributions.flatMap((c) => (c[key] as unknown[] | undefined) ?? []) as NonNullable<Contribution[K]>;

  const dependencyFiles = unique(all('dependencyFiles'));
  const env = mergeEnvVars(contributions);
  const appSecrets = appSecretFiles(contributions, new Set(env.filter((v) => typeof v.dev === 'object').map((v) => v.name)));
  const dev = buildCompose(answers, serve, contributions, 'dev', dependencyFiles);
  const clashes = hostPortClashes(dev.services);
  if (clashes.length > 0) throw new AnswerError(clashes);

  const sourceIn = (c: Component, from: string) => join(templatesOf(c), from);
  const backups = chosen.flatMap((c, i) => {
    const b = contributions[i]!.backup;
    return b ? [{ ...b, tag: c.id }] : [];
  });
  if (backups.length > 1) throw new Error('internal: more than one component says how to back up the database');

  return {
    answers,
    ...(preset ? { preset } : {}),
    ...(Object.keys(hold).length > 0 ? { hold } : {}),
    components: chosen.map((c) => c.id),
    compose: {
      dev,
      prod: buildCompose(answers, serve, contributions, 'prod', dependencyFiles, appSecrets),
    },
    env,
    secrets: [...all('secrets'), ...appSecrets],
    requirements: unique(all('requirements')).sort(),
    devRequirements: unique(all('devRequirements')).sort(),
    buildPackages: unique(all('buildPackages')).sort(),
    runtimePackages: unique(all('runtimePackages')).sort(),
    readiness: unique(all('readiness').map((r) => r.name)),
    readinessChecks: all('readiness'),
    serve,
    files: chosen.flatMap((c, i): PlannedFile[] =>
      (contributions[i]!.files ?? []).map((f) => ({
        template: c.sharedTemplates ? f.from : `${c.id}/${f.from}`,
        source: sourceIn(c, f.from),
        to: f.to,
        ...(f.executable ? { executable: true } : {}),
        ...(f.locals ? { locals: f.locals } : {}),
      })),
    ),
    derivedFiles: all('derivedFiles'),
    derivedTrees: contributions.flatMap((c) => (c.derivedTree ? [c.derivedTree] : [])),
    alertRules: all('alertRules'),
    dependencyFiles,
    capabilities: [...capabilities],
    docs: contributions.flatMap((c) => (c.docs ? [c.docs] : [])),
    names: Object.fromEntries(
      chosen.flatMap((c, i) => {
        const name = contributions[i]!.docs?.name;
        return name && ['framework', 'database', 'cache', 'proxy'].includes(c.slot) ? [[c.slot, name]] : [];
      }),
    ),
    // Settings read as connections first, then secrets, error reporting and tracing (stable within a group).
    settings: all('settings').sort((x, y) => SETTING_GROUPS.indexOf(x.group) - SETTING_GROUPS.indexOf(y.group)),
    ci: contributions.flatMap((c) => (c.ci ? [{ name: c.docs?.name ?? '', service: Boolean(c.ci.service), env: c.ci.env ?? {} }] : [])),
    ...(backups[0] ? { backup: backups[0] } : {}),
    typing: {
      untypedModules: contributions.flatMap((c) => c.typing?.untypedModules ?? []),
      untypedCalls: contributions.flatMap((c) => c.typing?.untypedCalls ?? []),
      overrides: contributions.flatMap((c) => (c.typing?.overrides ? [c.typing.overrides] : [])),
    },
    partials: chosen.flatMap((c, i) => {
      const own = contributions[i]!;
      // A CI service container is a partial too: its YAML is a template in the component's folder.
      const named = { ...own.partials, ...(own.ci?.service ? { 'ci-service': own.ci.service } : {}) };
      return Object.entries(named).map(([name, spec]) => {
        const { from, locals } = typeof spec === 'string' ? { from: spec, locals: undefined } : spec;
        return { name, template: `${c.id}/${from}`, source: sourceIn(c, from), ...(locals ? { locals } : {}) };
      });
    }),
  };
}
