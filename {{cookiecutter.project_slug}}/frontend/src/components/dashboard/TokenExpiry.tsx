"use client";

import { useEffect, useState } from "react";

/** A live countdown of the in-memory access token, to watch silent refresh work. */
export function TokenExpiry({ expiresAt }: { expiresAt: number | null }) {
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  if (expiresAt === null) {
    return null;
  }
  const seconds = Math.max(0, Math.round((expiresAt - now) / 1000));
  return (
    <p className="muted" data-testid="token-expiry">
      Access token {seconds > 0 ? `renews before it expires in ${seconds} s` : "expired; the next call renews it"}.
    </p>
  );
}
