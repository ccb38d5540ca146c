import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";

import type { NextConfig } from "next";

// Next.js itself only loads .env.development and .env.production. `APP_ENV=staging next build`
// (npm run build:staging) builds with .env.staging instead; its values win over .env.production.
const appEnv = process.env.APP_ENV;
if (appEnv !== undefined && appEnv !== "development" && appEnv !== "production") {
  Object.assign(process.env, parseEnv(readFileSync(`.env.${appEnv}`, "utf8")));
}

const nextConfig: NextConfig = {
  // A self-contained server in .next/standalone for the container image.
  output: "standalone",
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` serves its scripts only to pages on localhost; 127.0.0.1 works as well.
  allowedDevOrigins: ["127.0.0.1"],
};

export default nextConfig;
