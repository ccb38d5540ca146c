/**
 * The servers the browser tests run against: the project's real Django backend
 * (fresh SQLite database, demo user, 8-second access tokens), the production
 * build of this frontend, and a real SMTP server (aiosmtpd) that files the
 * backend's mail in a Maildir. Loopback only.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";

export const FRONTEND_DIR = path.resolve(import.meta.dirname, "..");
export const BACKEND_DIR = path.resolve(process.env.E2E_BACKEND_DIR ?? path.join(FRONTEND_DIR, "..", "backend"));
export const BACKEND_PYTHON = process.env.BACKEND_PYTHON ?? "python3";

// The browser talks to localhost (one site for both, so SameSite=Lax cookies flow);
// the servers listen on the IPv4 loopback only.
export const APP_URL = "http://localhost:3000";
export const API_URL = "http://localhost:8000";
export const ACCESS_TOKEN_LIFETIME_S = 8;
export const SILENT_REFRESH_THRESHOLD_S = 3;

export const DEMO_USER = { username: "demo", password: process.env.DEMO_USER_PASSWORD ?? "demo-password-123" };

const projectKey = createHash("sha256").update(BACKEND_DIR).digest("hex").slice(0, 12);
export const DATABASE_PATH = path.join(tmpdir(), `e2e-${projectKey}.sqlite3`);
export const SMTP_PORT = 8025;
/** Every message the SMTP server accepts lands in MAILDIR/new (read by mailbox.ts). */
export const MAILDIR = path.join(tmpdir(), `e2e-${projectKey}-mail`);
export const OUTPUT_DIR = path.join(FRONTEND_DIR, "test-output");
/** The backend's request and security log of the last run. */
export const BACKEND_LOG = path.join(OUTPUT_DIR, "backend.log");

/** Environment of every backend command: short token lifetimes, no shared services. */
export function backendEnv(): Record<string, string> {
  const inherited = Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return {
    ...Object.fromEntries(inherited),
    // Not the database or cache of other tests: a file of our own and the in-memory cache.
    DJANGO_SETTINGS_MODULE: "config.settings.local",
    DATABASE_URL: `sqlite:///${DATABASE_PATH}`,
    REDIS_URL: "",
    JWT_ACCESS_TOKEN_LIFETIME: String(ACCESS_TOKEN_LIFETIME_S),
    JWT_SILENT_REFRESH_THRESHOLD: String(SILENT_REFRESH_THRESHOLD_S),
    // Every test signs in; the production limit of 5 a minute would stop the suite.
    THROTTLE_RATE_LOGIN: "1000/minute",
    THROTTLE_RATE_LOGIN_USERNAME: "1000/minute",
    THROTTLE_RATE_ANON: "10000/minute",
    THROTTLE_RATE_ACCOUNT_MAIL: "1000/minute",
    THROTTLE_RATE_ACCOUNT_MAIL_TARGET: "1000/minute",
    THROTTLE_RATE_ACCOUNT_LINK: "1000/minute",
    // Account mail goes over SMTP to the server below; its links open this frontend.
    EMAIL_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    FRONTEND_URL: APP_URL,
    PYTHONUNBUFFERED: "1",
  };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Fresh database, demo user, then the development server in the foreground. */
export function backendCommand(): string {
  const manage = `${shellQuote(BACKEND_PYTHON)} manage.py`;
  return [
    `rm -f ${shellQuote(DATABASE_PATH)}`,
    `mkdir -p ${shellQuote(OUTPUT_DIR)}`,
    `${manage} migrate --noinput`,
    `${manage} create_demo_user`,
    `exec ${manage} runserver 127.0.0.1:8000 --noreload > ${shellQuote(BACKEND_LOG)} 2>&1`,
  ].join(" && ");
}

/** The SMTP server, in the foreground, with an empty Maildir. */
export function smtpCommand(): string {
  return [
    `rm -rf ${shellQuote(MAILDIR)}`,
    `exec ${shellQuote(BACKEND_PYTHON)} -m aiosmtpd --nosetuid --listen 127.0.0.1:${SMTP_PORT} --class aiosmtpd.handlers.Mailbox ${shellQuote(MAILDIR)}`,
  ].join(" && ");
}

/** Run a management command against the test backend, e.g. revoke_sessions. */
export function manage(...args: string[]): string {
  const result = spawnSync(BACKEND_PYTHON, ["manage.py", ...args], {
    cwd: BACKEND_DIR,
    env: { ...process.env, ...backendEnv() },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`manage.py ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * The production build served the way the container image serves it: the standalone
 * server, with the static files beside it.
 */
export function frontendCommand(): string {
  const serve = [
    "rm -rf .next/standalone/.next/static .next/standalone/public",
    "cp -R .next/static .next/standalone/.next/static",
    "cp -R public .next/standalone/public",
    "exec node .next/standalone/server.js",
  ].join(" && ");
  return process.env.E2E_SKIP_BUILD ? serve : `npm run build && ${serve}`;
}

export function frontendEnv(): Record<string, string> {
  return {
    HOSTNAME: "127.0.0.1",
    PORT: "3000",
    NEXT_PUBLIC_API_URL: API_URL,
    NEXT_PUBLIC_ENVIRONMENT: "e2e",
    NEXT_TELEMETRY_DISABLED: "1",
  };
}
