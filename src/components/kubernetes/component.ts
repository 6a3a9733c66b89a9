// Kubernetes, for when one machine is not enough: a kustomize tree (k8s/base, overlays for staging and
// production) built as data from the same plan as the compose files (manifests.ts), and a deploy script that
// migrates, rolls out and rolls back.
import type { Component } from '../types.js';
import { kubernetesFiles } from './manifests.js';

export const component: Component = {
  id: 'kubernetes',
  order: 4,
  slot: 'extra',
  label: 'Kubernetes manifests (kustomize: base, staging and production overlays)',
  check: (a) =>
    a.database === 'sqlite'
      ? ['--extras kubernetes: SQLite keeps its data in a file on one machine; choose --database postgres, mysql or mariadb (or drop kubernetes)']
      : [],
  contribute: () => ({
    derivedTree: kubernetesFiles,
    files: [
      { from: 'gitignore', to: 'k8s/.gitignore' },
      { from: 'deploy-k8s.sh.ejs', to: 'scripts/deploy-k8s.sh', executable: true },
    ],
    partials: { 'readme-kubernetes': 'readme.md.ejs' },
    docs: {
      parts: [{ part: 'Kubernetes', choice: 'kustomize tree in `k8s/` (staging and production overlays)' }],
      layout: [{ path: 'k8s/', about: 'Kubernetes manifests: base/, overlays/staging, overlays/production (scripts/deploy-k8s.sh)' }],
    },
  }),
};
