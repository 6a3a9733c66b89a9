/**
 * Host port a development service is published on (always on 127.0.0.1): the usual one, or the next one when
 * the app itself is published there (e.g. an app on 8080 moves the proxy to 8081).
 */
export function devHostPort(preferred: number, appPort: number): number {
  return preferred === appPort ? preferred + 1 : preferred;
}
