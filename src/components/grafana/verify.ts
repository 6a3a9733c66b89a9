// Grafana for tier 1: provisioned data sources point at compose services; dashboard providers read mounted folders that hold dashboards; panels use provisioned data sources.
import { composeServices, type Problem, type Project, yamlOf } from '../../../test/verify/project.js';
import type { VerifyKit } from '../verify-kit.js';

type Json = any;

export const kit: VerifyKit = {
  wiring: (p: Project): Problem[] => {
    const problems: Problem[] = [];
    const add = (check: Problem['check'], file: string, message: string) => problems.push({ file, check, message });
    const services = composeServices(p, 'compose.prod.yaml');
    const sources = [...p.files.keys()].filter((f) => /^grafana\/provisioning\/datasources\/.*\.ya?ml$/.test(f));
    if (sources.length === 0) add('grafana.provisioning', 'grafana/provisioning/datasources', 'no datasource is provisioned');
    const uids = new Set<string>();
    for (const file of sources) {
      const parsed = yamlOf(p, file);
      if (!parsed?.ok) continue;
      for (const ds of (parsed.value as Json)?.datasources ?? []) {
        if (ds?.uid) uids.add(String(ds.uid));
        const host = /^https?:\/\/([^:/]+)/.exec(String(ds?.url ?? ''))?.[1];
        if (!host) add('grafana.provisioning', file, `datasource ${ds?.name} has no http URL`);
        else if (!services.has(host)) add('grafana.provisioning', file, `datasource ${ds?.name} points at ${host}, which is not a service`);
      }
    }
    // Dashboard providers read a folder inside the container: a grafana mount must put dashboards there.
    const prodCompose = yamlOf(p, 'compose.prod.yaml');
    const mounts: [string, string][] = [];
    const grafanaVolumes = prodCompose?.ok ? (prodCompose.value as Json)?.services?.grafana?.volumes : undefined;
    for (const v of Array.isArray(grafanaVolumes) ? grafanaVolumes : []) {
      const [source, target] = String(v).split(':');
      if (source?.startsWith('.') && target) mounts.push([source.replace(/^\.\/?/, '').replace(/\/$/, ''), target.replace(/\/$/, '')]);
    }
    for (const file of [...p.files.keys()].filter((f) => /^grafana\/provisioning\/dashboards\/.*\.ya?ml$/.test(f))) {
      const parsed = yamlOf(p, file);
      if (!parsed?.ok) continue;
      for (const provider of (parsed.value as Json)?.providers ?? []) {
        const path = String(provider?.options?.path ?? '').replace(/\/$/, '');
        const mount = mounts.find(([, target]) => path === target || path.startsWith(`${target}/`));
        if (!mount) {
          add('grafana.provisioning', file, `provider ${provider?.name} reads ${path}, which no bind mount of the grafana service provides`);
          continue;
        }
        const local = `${mount[0]}${path.slice(mount[1].length)}`;
        if (![...p.files.keys()].some((f) => f.startsWith(`${local}/`) && f.endsWith('.json')))
          add('grafana.provisioning', file, `provider ${provider?.name} reads ${path} (${local} in the project), which holds no dashboard`);
      }
    }
    for (const file of [...p.files.keys()].filter((f) => /^grafana\/dashboards\/.*\.json$/.test(f))) {
      let dashboard: Json;
      try {
        dashboard = JSON.parse(p.files.get(file)!);
      } catch {
        continue;
      }
      const seen = new Set<string>();
      const walk = (v: Json): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          const uid = v.datasource?.uid;
          if (typeof uid === 'string' && !uid.startsWith('$') && !uid.startsWith('-- ') && !uids.has(uid)) seen.add(uid);
          Object.values(v).forEach(walk);
        }
      };
      walk(dashboard);
      for (const uid of seen)
        add('grafana.provisioning', file, `a panel uses datasource uid "${uid}", which no provisioned datasource has (${[...uids].join(', ') || 'none'})`);
    }
    return problems;
  },
};
