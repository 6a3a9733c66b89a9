// Prometheus for tier 1: its scrape config reaches the app and only compose services; its rule files exist and are complete.
import { composeServices, type Problem, type Project, yamlOf } from '../../../test/verify/project.js';
import type { VerifyKit } from '../verify-kit.js';

type Json = any;

export const kit: VerifyKit = {
  wiring: (p: Project): Problem[] => {
    const problems: Problem[] = [];
    const add = (check: Problem['check'], file: string, message: string) => problems.push({ file, check, message });
    const port = p.answers.port;
    const file = 'prometheus/prometheus.yml';
    const parsed = yamlOf(p, file);
    if (!parsed) add('prometheus.config', file, `${file} is missing`);
    else if (parsed.ok) {
      const config = parsed.value as Json;
      const services = composeServices(p, 'compose.prod.yaml');
      const targets: string[] = [];
      for (const job of config?.scrape_configs ?? []) for (const sc of job?.static_configs ?? []) targets.push(...(sc?.targets ?? []).map(String));
      if (!targets.includes(`web:${port}`)) add('prometheus.config', file, `does not scrape web:${port} (targets: ${targets.join(', ') || 'none'})`);
      for (const t of targets) {
        const [host, tport] = t.split(':');
        if (host === 'web' && Number(tport) !== port) add('prometheus.config', file, `scrapes ${t}, but the app listens on ${port}`);
        else if (host && host !== 'localhost' && !host.includes('.') && !services.has(host))
          add('prometheus.config', file, `scrapes ${t}, but ${host} is not a service`);
      }
      for (const rule of config?.rule_files ?? []) {
        const local = `prometheus/${String(rule).replace(/^\/etc\/prometheus\//, '')}`;
        if (String(rule).includes('*')) continue;
        if (!p.files.has(local)) add('prometheus.config', file, `rule file ${rule} is not in the project (expected ${local})`);
        else {
          const rules = yamlOf(p, local);
          if (rules?.ok) {
            for (const g of (rules.value as Json)?.groups ?? []) {
              for (const r of g?.rules ?? []) {
                if (!r?.expr || !(r.alert || r.record)) add('prometheus.config', local, `group ${g?.name}: a rule lacks expr or alert/record`);
              }
            }
          }
        }
      }
    }
    return problems;
  },
};
