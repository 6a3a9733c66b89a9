// Prometheus: scrapes the app's /metrics, evaluates alert rules.
import { Document } from 'yaml';
import type { StackPlan } from '../../plan/types.js';
import type { Component } from '../types.js';
import { IMAGES } from '../pins.js';
import { devHostPort } from '../shared/dev-port.js';
import { ruleGroups } from '../shared/rule-groups.js';
import { alertRules } from './alert-rules.js';

/** compose's scrape job (prometheus/prometheus.yml). */
const JOB = 'app';

/** Every component's rules, for compose's scrape job (one function, so equal answers plan equal plans). */
function alertsTree(plan: StackPlan): Record<string, string> {
  return { 'prometheus/alerts.yml': alertsFile(plan.answers.name, ruleGroups(plan.alertRules, JOB)) };
}

function alertsFile(name: string, groups: ReturnType<typeof ruleGroups>): string {
  const doc = new Document({ groups });
  doc.commentBefore = [
    ` Alert rules for ${name}, evaluated by Prometheus (rule_files in prometheus.yml).`,
    ' Metric names come from app/metrics.py. Check with: promtool check rules prometheus/alerts.yml',
    ' Unit tests of these rules: promtool test rules prometheus/alerts_test.yml',
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}

export const component: Component = {
  id: 'prometheus',
  order: 1,
  slot: 'observability',
  images: [IMAGES.prometheus],
  capabilities: ['metrics-scraper'],
  label: 'Prometheus (scrape + alert rules)',
  contribute: ({ answers }) => {
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.prometheus.ref,
      command: [
        '--config.file=/etc/prometheus/prometheus.yml',
        '--storage.tsdb.path=/prometheus',
        `--storage.tsdb.retention.time=${mode === 'dev' ? '2d' : '15d'}`,
        '--web.enable-lifecycle',
      ],
      volumes: ['./prometheus:/etc/prometheus:ro', 'prometheus-data:/prometheus'],
      healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9090/-/ready'], interval: '10s', timeout: '3s', retries: 5 },
      depends_on: { web: { condition: 'service_healthy' } },
      ...(mode === 'dev'
        ? { ports: [`127.0.0.1:${devHostPort(9090, answers.port)}:9090`] }
        : // The image runs as `nobody` and writes only its volume (tier 3 runs it so).
          { read_only: true, cap_drop: ['ALL'], deploy: { resources: { limits: { memory: '512M' } } } }),
    });
    const port = devHostPort(9090, answers.port);
    return {
      docs: {
        name: 'Prometheus',
        parts: [{ part: 'Metrics', choice: 'Prometheus scraping `/metrics`, with alert rules (`prometheus/`)' }],
        urls: [{ what: 'Prometheus', url: `http://127.0.0.1:${port} (targets: http://127.0.0.1:${port}/targets)` }],
        observability: [
          "**Prometheus** scrapes the app's `/metrics` on the internal network (`prometheus/prometheus.yml`); alert rules\n  (app down, error rate, p95 latency) are in `prometheus/alerts.yml`. Gunicorn's workers share the metrics\n  through `PROMETHEUS_MULTIPROC_DIR`.",
        ],
        productionUi: { name: 'Prometheus', port: 9090 },
        layout: [{ path: 'prometheus/', about: 'scrape config and alert rules' }],
      },
      services: { dev: { prometheus: service('dev') }, prod: { prometheus: service('prod') } },
      volumes: { dev: ['prometheus-data'], prod: ['prometheus-data'] },
      files: [
        { from: 'prometheus.yml.ejs', to: 'prometheus/prometheus.yml' },
        { from: 'alerts_test.yml.ejs', to: 'prometheus/alerts_test.yml' },
      ],
      alertRules: alertRules(answers.name),
      // Kubernetes writes the same rules as a PrometheusRule.
      derivedTree: alertsTree,
    };
  },
};
