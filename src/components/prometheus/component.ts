// Prometheus: scrapes the app's /metrics, evaluates alert rules.
import type { Component } from '../types.js';
import { IMAGES } from '../pins.js';
import { devHostPort } from '../shared/dev-port.js';

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
      ...(mode === 'dev' ? { ports: [`127.0.0.1:${devHostPort(9090, answers.port)}:9090`] } : { deploy: { resources: { limits: { memory: '512M' } } } }),
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
        { from: 'alerts.yml.ejs', to: 'prometheus/alerts.yml' },
        { from: 'alerts_test.yml.ejs', to: 'prometheus/alerts_test.yml' },
      ],
    };
  },
};
