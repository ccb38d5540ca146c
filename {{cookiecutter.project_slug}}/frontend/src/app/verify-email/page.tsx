import type { Metadata } from "next";

import { VerifyEmail } from "@/components/account/VerifyEmail";

export const metadata: Metadata = { title: "Confirm your email address" };

export default function VerifyEmailPage() {
  return <VerifyEmail />;
}
