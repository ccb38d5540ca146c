import type { Metadata } from "next";

import { ProtectedRoute } from "@/components/auth/ProtectedRoute";
import { Profile } from "@/components/dashboard/Profile";

export const metadata: Metadata = { title: "Dashboard" };

export default function DashboardPage() {
  return (
    <ProtectedRoute>
      <Profile />
    </ProtectedRoute>
  );
}
