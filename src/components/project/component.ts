// Container image, scripts, CI and docs: the files every project has.
import type { Component } from '../types.js';

export const component: Component = {
  id: 'project',
  order: 2,
  slot: 'core',
  sharedTemplates: true,
  label: 'Container image, scripts, CI and docs',
  contribute: ({ can }) => ({
    files: [
      { from: 'docker/Dockerfile.ejs', to: 'Dockerfile' },
      { from: 'docker/dockerignore.ejs', to: '.dockerignore' },
      { from: 'project/gitignore', to: '.gitignore' },
      { from: 'project/Makefile.ejs', to: 'Makefile' },
      { from: 'project/README.md.ejs', to: 'README.md' },
      { from: 'project/github/workflows/ci.yml.ejs', to: '.github/workflows/ci.yml' },
      { from: 'project/renovate.json.ejs', to: 'renovate.json' },
      { from: 'project/pre-commit-config.yaml.ejs', to: '.pre-commit-config.yaml' },
      { from: 'project/hadolint.yaml', to: '.hadolint.yaml' },
      // Helpers the scripts share (compose invocation, readiness wait, deploy state); sourced, not run.
      { from: 'scripts/lib.sh.ejs', to: 'scripts/lib.sh' },
      { from: 'scripts/deploy.sh.ejs', to: 'scripts/deploy.sh', executable: true },
      { from: 'scripts/rollback.sh.ejs', to: 'scripts/rollback.sh', executable: true },
      // Nothing to back up without a database.
      ...(can('database')
        ? [
            { from: 'scripts/backup.sh.ejs', to: 'scripts/backup.sh', executable: true },
            { from: 'scripts/restore.sh.ejs', to: 'scripts/restore.sh', executable: true },
          ]
        : []),
    ],
  }),
};
