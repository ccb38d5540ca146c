import type { Metadata } from "next";
import { Suspense } from "react";

import { CheckEmail } from "@/components/account/CheckEmail";

export const metadata: Metadata = { title: "Check your email" };

export default function CheckEmailPage() {
  // useSearchParams (for ?for=) needs a Suspense boundary when pre-rendered.
  return (
    <Suspense fallback={null}>
      <CheckEmail />
    </Suspense>
  );
}
