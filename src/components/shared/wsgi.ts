// Settings shared by the WSGI frameworks (Flask, Django).
import type { SettingFacet } from '../types.js';

/** Threaded workers: a worker overlaps requests that wait on the database or network. */
export const GTHREAD_WORKERS = '# Threads let a worker overlap requests that wait on the database or network.\nworker_class = "gthread"\nthreads = 4';

/** The signing secret both WSGI frameworks read. */
export const SECRET_KEY_SETTING: SettingFacet = {
  group: 'secret',
  field: 'secret_key: str',
  read: 'secret_key=required("SECRET_KEY", "insecure-development-key-do-not-use-in-production")',
  production: ['SECRET_KEY', 'a-long-random-production-secret'],
};
