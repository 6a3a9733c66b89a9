# yaml-language-server: $schema=https://github.com/generator-pydocker/generator-pydocker/schema/pydocker-preset.schema.json
# The schema ships with generator-pydocker at schema/pydocker-preset.schema.json.
name: <%= name %>
version: 1.0.0
description: How <%= name %> starts every new Python service

# Answers used instead of the built-in defaults; people can still change them.
defaults:
  framework: fastapi
  database: postgres
  cache: redis
  observability: [prometheus, grafana]

# Answers people cannot change: never asked, and a conflicting flag fails naming this preset.
locked:
  proxy: nginx
  python: "3.12"

# Team-wide values the templates use.
values:
  organisation: <%= name %>
  registry: ghcr.io/<%= name %>
  maintainers: ["platform@<%= name %>.example"]
  labels:
    org.opencontainers.image.vendor: <%= name %>
  env:
    - name: TEAM_FEATURE_FLAGS_URL
      description: Where the service reads its feature flags
      value: http://flags.internal:8080
  requirements: []
