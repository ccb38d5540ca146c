import type { Metadata } from "next";
import type { ReactNode } from "react";

import { AuthProvider } from "@/components/auth/AuthProvider";
import { DevelopmentHostNotice } from "@/components/DevelopmentHostNotice";

import "./globals.css";

// Inlined at build time from the .env.* file of the environment.
const appName = process.env.NEXT_PUBLIC_APP_NAME ?? "App";
const environment = process.env.NEXT_PUBLIC_ENVIRONMENT ?? "local";

export const metadata: Metadata = {
  title: { default: appName, template: `%s · ${appName}` },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header>
          <span className="brand">{appName}</span>
          {environment !== "production" && <span className="badge">{environment}</span>}
        </header>
        <main>
          <DevelopmentHostNotice />
          <AuthProvider>{children}</AuthProvider>
        </main>
      </body>
    </html>
  );
}
