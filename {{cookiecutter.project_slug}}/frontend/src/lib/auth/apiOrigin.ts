/**
 * Which origin the browser calls the API on. The refresh cookie is SameSite=Lax, so the page
 * and the API must be on one site: a page opened on http://127.0.0.1:3000 that called
 * http://localhost:8000 would sign in, but its refresh cookie would never be stored. When
 * both are this machine's loopback names, the API is called on the page's own name.
 */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1"]);

export function apiUrlForPage(configuredApiUrl: string, pageHostname: string): string {
  const api = new URL(configuredApiUrl);
  if (LOOPBACK_HOSTS.has(api.hostname) && LOOPBACK_HOSTS.has(pageHostname)) {
    api.hostname = pageHostname;
  }
  return api.origin;
}
