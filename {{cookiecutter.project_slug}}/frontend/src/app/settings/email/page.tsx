import type { Metadata } from "next";

import { ChangeEmailForm } from "@/components/account/ChangeEmailForm";
import { ProtectedRoute } from "@/components/auth/ProtectedRoute";

export const metadata: Metadata = { title: "Change your email address" };

export default function ChangeEmailPage() {
  return (
    <ProtectedRoute>
      <ChangeEmailForm />
    </ProtectedRoute>
  );
}
