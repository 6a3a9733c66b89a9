// Checks of a generated project's proxy and observability configuration with the real tools.
// See README.md beside this file for what each needs.
export { ToolMissingError, requireTool, type CheckResult, type Mode } from './common.js';
export { nginxTest, OFFICIAL_NGINX_CONF } from './nginx.js';
export { caddyValidate } from './caddy.js';
export { promtoolCheck } from './prometheus.js';
export { grafanaCheck } from './grafana.js';
export { otelCollectorCheck } from './otel.js';
export { proxyProbe, type ProbeResponse } from './probe.js';
export { generateProject, renderForTools } from './project.js';
