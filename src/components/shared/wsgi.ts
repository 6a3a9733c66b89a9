// gunicorn settings shared by the WSGI frameworks (Flask, Django).

/** Threaded workers: a worker overlaps requests that wait on the database or network. */
export const GTHREAD_WORKERS = '# Threads let a worker overlap requests that wait on the database or network.\nworker_class = "gthread"\nthreads = 4';
