import { SESSION_END_MESSAGES, type SessionEndReason } from "@/lib/auth";

/** Tells the user why they are on the login page: expiry, revocation, sign-out. */
export function SessionNotice({ reason }: { reason: SessionEndReason | null }) {
  if (reason === null) {
    return null;
  }
  const tone = reason === "signed_out" || reason === "signed_out_elsewhere" ? "info" : "warning";
  return (
    <p role="status" className={`notice ${tone}`} data-reason={reason}>
      {SESSION_END_MESSAGES[reason]}
    </p>
  );
}
