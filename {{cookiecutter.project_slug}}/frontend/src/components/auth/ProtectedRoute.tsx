"use client";

import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";

import { useAuth } from "./AuthProvider";
import { loginPath } from "./loginPath";

/**
 * Renders its children only for a signed-in user. Anyone else goes to the
 * login page, with the reason when a session just ended (expired, revoked,
 * signed out) and the page to come back to.
 */
export function ProtectedRoute({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const router = useRouter();
  const pathname = usePathname();
  const mustLeave = auth !== null && auth.status === "anonymous" && !auth.offline;

  useEffect(() => {
    if (mustLeave) {
      router.replace(loginPath(auth.endReason, pathname));
    }
  }, [mustLeave, auth?.endReason, pathname, router]);

  if (auth?.status === "authenticated") {
    return children;
  }
  if (auth?.offline) {
    return (
      <section className="card" aria-live="polite">
        <p role="alert">Cannot reach the server to restore your session.</p>
        <button type="button" onClick={() => void auth.retryRestore()}>
          Try again
        </button>
      </section>
    );
  }
  return (
    <p className="muted" aria-busy="true">
      Checking your session…
    </p>
  );
}
