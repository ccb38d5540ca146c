"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";

import { requestPasswordReset } from "@/lib/account";

import { EmailRequestForm } from "./EmailRequestForm";

export function ForgotPasswordForm() {
  const router = useRouter();
  return (
    <section className="card">
      <h1>Forgot your password?</h1>
      <p>Enter the email address of your account. We will send it a link to set a new password.</p>
      <EmailRequestForm
        send={requestPasswordReset}
        submitLabel="Send the link"
        onSent={() => router.push("/check-email?for=reset")}
      />
      <p className="muted">
        Remembered it? <Link href="/login">Sign in</Link>
      </p>
    </section>
  );
}
