// uv with a committed uv.lock (the default): pyproject.toml lists the direct pins, uv.lock every package they
// pull in with its hashes, written offline from the resolution the generator ships (src/lock). The image, the
// Makefile and CI install exactly the lock (`uv sync --locked`); a stale lock fails them.
import { uvLock } from '../../lock/uv-lock.js';
import { IMAGES, UV_VERSION } from '../pins.js';
import type { Component, DerivedFile } from '../types.js';

// One object for every plan (planning is pure: the same answers give an equal plan).
const UV_LOCK: DerivedFile = { to: 'uv.lock', build: ({ name, requirements, devRequirements }) => uvLock(name, requirements, devRequirements) };

export const component: Component = {
  id: 'uv',
  order: 1,
  slot: 'packaging',
  images: [IMAGES.uv],
  label: 'uv, with uv.lock',
  contribute: () => ({
    derivedFiles: [UV_LOCK],
    dependencyFiles: ['pyproject.toml', 'uv.lock'],
    partials: {
      'pyproject-dependencies': 'pyproject-dependencies.toml.ejs',
      'dockerfile-builder': { from: 'dockerfile-builder.ejs', locals: { uvImage: IMAGES.uv.ref } },
      'dockerfile-dev': 'dockerfile-dev.ejs',
      'makefile-vars': 'makefile-vars.ejs',
      'makefile-venv': 'makefile-venv.ejs',
      'makefile-lock': 'makefile-lock.ejs',
      'ci-install': { from: 'ci-install.yml.ejs', locals: { uvVersion: UV_VERSION } },
      'ci-jobs': { from: 'ci-lock-job.yml.ejs', locals: { uvVersion: UV_VERSION } },
      'pre-commit-hooks': { from: 'pre-commit-hooks.yaml.ejs', locals: { uvVersion: UV_VERSION } },
      'renovate-python': 'renovate.json.ejs',
      'readme-dependencies': { from: 'readme-dependencies.md.ejs', locals: { uvVersion: UV_VERSION } },
      'readme-ci': 'readme-ci.md.ejs',
    },
    docs: {
      layout: [{ path: 'uv.lock', about: 'every dependency locked with hashes (make lock; never edited by hand)' }],
    },
  }),
};
