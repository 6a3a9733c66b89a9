// pip with hashed requirements: requirements.in and requirements-dev.in hold the direct pins (pip-tools'
// layout), requirements.txt and requirements-dev.txt every package they reach with all its hashes, written
// offline from the resolution the generator ships (src/lock). The image, the Makefile and CI install them with
// `--require-hashes`: nothing unpinned or unhashed can be installed. `make lock` re-locks with pip-compile.
import { hashedRequirements } from '../../lock/requirements-lock.js';
import { PY } from '../pins.js';
import type { Component, DerivedFile } from '../types.js';

const COMPILE = 'pip-compile --allow-unsafe --generate-hashes --strip-extras';

const header = (from: string, to: string) => [
  `Every package ${from} reaches, pinned with the hashes of its files; pip installs it with --require-hashes.`,
  `Edit ${from}, then \`make lock\` re-locks this file:`,
  `   ${COMPILE} --output-file=${to} ${from}`,
];

// One list for every plan (planning is pure: the same answers give an equal plan).
const LOCKS: DerivedFile[] = [
  { to: 'requirements.txt', build: ({ requirements }) => hashedRequirements(requirements, header('requirements.in', 'requirements.txt')) },
  {
    to: 'requirements-dev.txt',
    build: ({ requirements, devRequirements }) =>
      hashedRequirements([...requirements, ...devRequirements], header('requirements-dev.in', 'requirements-dev.txt')),
  },
];

export const component: Component = {
  id: 'pip',
  order: 2,
  slot: 'packaging',
  label: 'pip, with hashed requirements files',
  contribute: () => ({
    devRequirements: [PY.pipTools],
    files: [
      { from: 'requirements.in.ejs', to: 'requirements.in' },
      { from: 'requirements-dev.in.ejs', to: 'requirements-dev.in' },
    ],
    derivedFiles: LOCKS,
    dependencyFiles: ['requirements.txt', 'requirements-dev.txt'],
    partials: {
      'pyproject-dependencies': 'pyproject-dependencies.toml.ejs',
      'dockerfile-builder': 'dockerfile-builder.ejs',
      'dockerfile-dev': 'dockerfile-dev.ejs',
      'makefile-vars': { from: 'makefile-vars.ejs', locals: { compile: COMPILE } },
      'makefile-venv': 'makefile-venv.ejs',
      'makefile-lock': 'makefile-lock.ejs',
      'ci-install': 'ci-install.yml.ejs',
      'renovate-python': 'renovate.json.ejs',
      'readme-dependencies': 'readme-dependencies.md.ejs',
    },
    docs: {
      layout: [
        { path: 'requirements.in', about: 'direct runtime dependencies (requirements-dev.in adds the tools)' },
        { path: 'requirements.txt', about: 'every dependency locked with hashes (make lock; requirements-dev.txt too)' },
      ],
    },
  }),
};
