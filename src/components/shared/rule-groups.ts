// Alert rules (a component's data, AlertRuleGroup) as the `groups` of a Prometheus rule file, which is also the
// spec of a Prometheus Operator PrometheusRule: one writer for both.
import type { AlertRuleGroup } from '../types.js';

/** The `groups` of a Prometheus rule file (and of a PrometheusRule's spec) for a scrape job. */
export function ruleGroups(groups: AlertRuleGroup[], job: string) {
  return groups.map((g) => ({
    name: g.name,
    rules: g.rules.map((r) => ({
      alert: r.alert,
      expr: r.expr.replaceAll('job="JOB"', `job="${job}"`),
      for: r.for,
      labels: { severity: r.severity },
      annotations: { summary: r.summary, description: r.description },
    })),
  }));
}
