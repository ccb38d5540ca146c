/**
 * Links in account email carry their token in the URL fragment
 * (`/reset-password#token=...`): browsers never send a fragment to a server or
 * in a Referer header. The page reads it once and removes it from the address
 * bar, so it is not left in the history or shared with a copied URL.
 */

export function tokenFromFragment(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token");
  return token === null || token === "" ? null : token;
}

export function takeLinkToken(): string | null {
  const token = tokenFromFragment(window.location.hash);
  if (token !== null) {
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
  }
  return token;
}
