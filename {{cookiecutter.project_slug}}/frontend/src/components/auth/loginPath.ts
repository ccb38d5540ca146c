import type { SessionEndReason } from "@/lib/auth";

/** The login URL for someone leaving `from`, saying why when we know. */
export function loginPath(reason: SessionEndReason | null, from: string | null): string {
  const query = new URLSearchParams();
  if (reason !== null) {
    query.set("reason", reason);
  }
  if (from !== null && reason !== "signed_out") {
    query.set("next", from);
  }
  const search = query.toString();
  return search ? `/login?${search}` : "/login";
}

/**
 * Where to go after login: only a path on this site, never an absolute or
 * protocol-relative URL (an open redirect, OWASP "Unvalidated Redirects").
 */
export function safeNextPath(next: string | null): string {
  if (next === null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return "/dashboard";
  }
  return next;
}
