import type { Metadata } from "next";
import { Suspense } from "react";

import { LoginForm } from "@/components/auth/LoginForm";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage() {
  // useSearchParams (for ?reason= and ?next=) needs a Suspense boundary when pre-rendered.
  return (
    <Suspense fallback={null}>
      <LoginForm />
    </Suspense>
  );
}
