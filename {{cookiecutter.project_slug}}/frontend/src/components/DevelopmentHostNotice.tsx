import { headers } from "next/headers";

import { LOOPBACK_HOSTS } from "@/lib/auth/apiOrigin";

/**
 * `next dev` sends its scripts only to pages opened on localhost or 127.0.0.1. Opened on any
 * other address, such as the "Network" URL it prints, a page never becomes interactive ("Sign
 * in" stays disabled), so this says which address to open. Rendered on the server, because no
 * script runs on such a page; production builds never render it.
 */
export async function DevelopmentHostNotice() {
  if (process.env.NODE_ENV !== "development") {
    return null;
  }
  const page = new URL(`http://${(await headers()).get("host") ?? "localhost"}`);
  if (LOOPBACK_HOSTS.has(page.hostname)) {
    return null;
  }
  const local = `http://localhost${page.port ? `:${page.port}` : ""}/login`;
  return (
    <p role="alert" className="notice warning" data-testid="development-host-notice">
      This development server only works at localhost. Open <a href={local}>{local}</a> on this machine
      (or http://127.0.0.1{page.port ? `:${page.port}` : ""}); {page.hostname} is not set up for the API
      or its cookies.
    </p>
  );
}
