import type { Metadata } from "next";

import { ConfirmEmailChange } from "@/components/account/ConfirmEmailChange";

export const metadata: Metadata = { title: "Confirm your new email address" };

export default function ConfirmEmailChangePage() {
  return <ConfirmEmailChange />;
}
