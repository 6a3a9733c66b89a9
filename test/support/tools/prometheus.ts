// promtool on a generated project's Prometheus folder, found the way the container finds it: the
// `--config.file` of the compose `prometheus` service, mapped through its bind mounts to this machine.
//   promtool check config  (also checks every rule file the config names, relative to the config as in /etc/prometheus)
//   promtool check rules   (each rule file)
//   promtool test rules    (the project's *_test.yml unit tests of its alerts, when present)
// and, since promtool does not resolve targets: every scrape target must be a compose service (or localhost),
// in the development and the production stack alike.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { type CheckResult, type Mode, bindMounts, composeService, formatOutput, hostOf, hostPathOf, readCompose, requireTool, run } from './common.js';

interface PromConfig {
  rule_files?: string[];
  scrape_configs?: Array<{ job_name: string; metrics_path?: string; static_configs?: Array<{ targets?: string[] }> }>;
}

/** The host path of the file the prometheus service loads with --config.file in `mode`. */
export function prometheusConfigPath(projectDir: string, mode: Mode): string {
  const service = composeService(readCompose(projectDir, mode), 'prometheus', mode);
  const command = (service.command as string[] | undefined) ?? [];
  const flag = command.find((c) => c.startsWith('--config.file='));
  const inContainer = flag ? flag.slice('--config.file='.length) : '/etc/prometheus/prometheus.yml'; // image default
  const local = hostPathOf(bindMounts(projectDir, service), inContainer);
  if (!local) throw new Error(`${mode}: prometheus loads ${inContainer}, which no bind mount of the service provides`);
  return local;
}

export function promtoolCheck(projectDir: string): CheckResult {
  const promtool = requireTool('promtool');
  const sections: Array<[string, string]> = [];
  const problems: string[] = [];

  let config: string;
  try {
    config = prometheusConfigPath(projectDir, 'prod');
    const devConfig = prometheusConfigPath(projectDir, 'dev');
    if (resolve(devConfig) !== resolve(config)) problems.push(`development loads ${devConfig}, production ${config}: expected one file`);
  } catch (err) {
    return { ok: false, output: formatOutput([['problems', (err as Error).message]]) };
  }
  if (!existsSync(config)) return { ok: false, output: formatOutput([['problems', `${config} does not exist`]]) };
  const rel = (p: string) => relative(projectDir, p);

  const checkConfig = run(promtool, ['check', 'config', config]);
  sections.push([`promtool check config ${rel(config)} in ${checkConfig.ms} ms`, checkConfig.output]);
  if (checkConfig.code !== 0) problems.push(`promtool check config exited ${checkConfig.code}`);

  let parsed: PromConfig = {};
  try {
    parsed = (parse(readFileSync(config, 'utf8')) as PromConfig | null) ?? {};
  } catch (err) {
    problems.push(`${rel(config)} is not YAML: ${(err as Error).message}`);
  }

  const ruleFiles = (parsed.rule_files ?? []).map((f) => resolve(dirname(config), f));
  for (const f of ruleFiles) {
    if (!existsSync(f)) {
      problems.push(`rule file ${rel(f)} does not exist`);
      continue;
    }
    const r = run(promtool, ['check', 'rules', f]);
    sections.push([`promtool check rules ${rel(f)} in ${r.ms} ms`, r.output]);
    if (r.code !== 0) problems.push(`promtool check rules ${rel(f)} exited ${r.code}`);
  }

  const tests = readdirSync(dirname(config)).filter((f) => /_test\.ya?ml$/.test(f));
  for (const t of tests) {
    // Run from the folder, as Prometheus would resolve the tests' rule_files.
    const r = run(promtool, ['test', 'rules', t], { cwd: dirname(config) });
    sections.push([`promtool test rules ${rel(join(dirname(config), t))} in ${r.ms} ms`, r.output]);
    if (r.code !== 0) problems.push(`promtool test rules ${t} exited ${r.code}`);
  }

  for (const mode of ['dev', 'prod'] as const) {
    const services = new Set(Object.keys(readCompose(projectDir, mode).services));
    for (const job of parsed.scrape_configs ?? []) {
      for (const sc of job.static_configs ?? []) {
        for (const target of sc.targets ?? []) {
          const host = hostOf(target);
          if (host !== 'localhost' && host !== '127.0.0.1' && !services.has(host)) {
            problems.push(`${mode}: job ${job.job_name} scrapes ${target}, but ${host} is not a service of the ${mode} stack`);
          }
        }
      }
    }
  }

  if (problems.length) sections.push(['problems', problems.join('\n')]);
  return { ok: problems.length === 0, output: formatOutput(sections) };
}
