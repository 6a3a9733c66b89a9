// The alert rules, as data: Prometheus loads them from prometheus/alerts.yml (compose) and the Prometheus Operator
// from a PrometheusRule (Kubernetes). Only the `job` label differs: compose's scrape job is `app`, a ServiceMonitor's
// is the Service's name; the expressions say JOB where it goes. Metric names come from the generated app/metrics.py.
import type { AlertRuleGroup } from '../types.js';

export function alertRules(name: string): AlertRuleGroup[] {
  return [
    {
      name: `${name}-availability`,
      rules: [
        {
          alert: 'AppDown',
          expr: 'up{job="JOB"} == 0',
          for: '1m',
          severity: 'critical',
          summary: `${name} is down`,
          description: 'Prometheus could not scrape {{ $labels.instance }} for more than 1 minute.',
        },
        {
          alert: 'AppHighErrorRate',
          expr: 'sum(rate(http_requests_total{job="JOB", status=~"5.."}[5m]))\n  / sum(rate(http_requests_total{job="JOB"}[5m]))\n  > 0.05\n',
          for: '5m',
          severity: 'warning',
          summary: `${name} answers more than 5% of requests with a 5xx status`,
          description: '{{ $value | humanizePercentage }} of requests failed with a 5xx status over the last 5 minutes.',
        },
      ],
    },
    {
      name: `${name}-latency`,
      rules: [
        {
          alert: 'AppHighLatencyP95',
          expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="JOB"}[5m])))\n  > 0.5\n',
          for: '10m',
          severity: 'warning',
          summary: `${name} p95 latency is above 500 ms`,
          description: '95% of requests took up to {{ $value | humanizeDuration }} over the last 5 minutes.',
        },
      ],
    },
  ];
}
