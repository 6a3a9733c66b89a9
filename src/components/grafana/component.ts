// Grafana: provisioned Prometheus data source and app dashboard.
import type { Component } from '../types.js';
import { IMAGES } from '../pins.js';
import { devHostPort } from '../shared/dev-port.js';
import { requiredSecret, secretPath } from '../shared/secrets.js';

export const component: Component = {
  id: 'grafana',
  order: 2,
  slot: 'observability',
  images: [IMAGES.grafana],
  label: 'Grafana (provisioned dashboard)',
  requires: [{ id: 'prometheus', why: ' as its data source' }],
  contribute: ({ answers }) => {
    const secret = requiredSecret('GRAFANA_ADMIN_PASSWORD');
    const service = (mode: 'dev' | 'prod') => ({
      image: IMAGES.grafana.ref,
      environment: {
        GF_SECURITY_ADMIN_USER: '${GRAFANA_ADMIN_USER:-admin}',
        // Production: Grafana reads any setting's variable with the __FILE suffix from that file.
        ...(mode === 'prod'
          ? { GF_SECURITY_ADMIN_PASSWORD__FILE: secretPath(secret.name) }
          : { GF_SECURITY_ADMIN_PASSWORD: '${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD in .env}' }),
        GF_USERS_ALLOW_SIGN_UP: 'false',
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
      },
      ...(mode === 'prod' ? { secrets: [secret.name] } : {}),
      volumes: ['./grafana/provisioning:/etc/grafana/provisioning:ro', './grafana/dashboards:/var/lib/grafana/dashboards:ro', 'grafana-data:/var/lib/grafana'],
      healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3000/api/health'], interval: '10s', timeout: '3s', retries: 5 },
      depends_on: { prometheus: { condition: 'service_healthy' } },
      ...(mode === 'dev'
        ? { ports: [`127.0.0.1:${devHostPort(3000, answers.port)}:3000`] }
        : // The image runs as UID 472: a process that is not root holds no capability to drop.
          { cap_drop: ['ALL'], deploy: { resources: { limits: { memory: '256M' } } } }),
    });
    return {
      docs: {
        name: 'Grafana',
        parts: [{ part: 'Dashboards', choice: 'Grafana with a provisioned data source and dashboard (`grafana/`)' }],
        urls: [
          { what: 'Grafana', url: `http://127.0.0.1:${devHostPort(3000, answers.port)} (user \`admin\`, password \`GRAFANA_ADMIN_PASSWORD\` in \`.env\`)` },
        ],
        observability: [
          '**Grafana** comes with the Prometheus data source and an app dashboard (rate, errors, latency, in flight),\n  provisioned from `grafana/`.',
        ],
        productionUi: { name: 'Grafana', port: 3000 },
        layout: [{ path: 'grafana/', about: 'provisioning and dashboards' }],
      },
      services: { dev: { grafana: service('dev') }, prod: { grafana: service('prod') } },
      volumes: { dev: ['grafana-data'], prod: ['grafana-data'] },
      secrets: [secret],
      env: [
        { name: 'GRAFANA_ADMIN_USER', description: 'Grafana administrator login', dev: 'admin', prod: 'admin' },
        { name: 'GRAFANA_ADMIN_PASSWORD', description: 'Grafana administrator password', dev: { secret: true }, requiredInProd: true },
      ],
      files: [
        { from: 'provisioning/datasources/prometheus.yml', to: 'grafana/provisioning/datasources/prometheus.yml' },
        { from: 'provisioning/dashboards/dashboards.yml', to: 'grafana/provisioning/dashboards/dashboards.yml' },
        { from: 'dashboards/app.json.ejs', to: 'grafana/dashboards/app.json' },
      ],
    };
  },
};
