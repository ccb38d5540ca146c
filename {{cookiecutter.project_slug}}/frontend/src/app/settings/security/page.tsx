import type { Metadata } from "next";

import { ProtectedRoute } from "@/components/auth/ProtectedRoute";
import { SecurityPage } from "@/components/security/SecurityPage";

export const metadata: Metadata = { title: "Security" };

export default function SecuritySettingsPage() {
  return (
    <ProtectedRoute>
      <SecurityPage />
    </ProtectedRoute>
  );
}
