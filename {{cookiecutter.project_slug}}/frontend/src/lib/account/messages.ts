/** What a person reads when an account request fails. */
import { ApiError, NetworkError } from "../auth/errors";

export type FieldErrors = Record<string, string>;

const MESSAGES: Record<string, string> = {
  link_expired: "This link has expired. Ask for a new one below.",
  link_invalid:
    "This link does not work: it was already used, replaced by a newer one, or copied incompletely. Ask for a new one.",
  email_taken: "That address now belongs to another account.",
  signup_closed: "Sign-up is closed. Ask an administrator for an account.",
  invalid_request: "Check the highlighted fields.",
  reauthentication_required: "Enter your current password to confirm it is you.",
  password_incorrect: "That is not your current password.",
  mfa_code_invalid: "That code is not valid, or was already used. Enter the code your app shows now.",
  mfa_challenge_invalid: "This sign-in took too long or had too many wrong codes. Sign in again.",
  mfa_already_enabled: "An authenticator app is already set up.",
  mfa_not_enabled: "No authenticator app is set up.",
  mfa_required_by_policy: "Your account must keep a second factor: it cannot be turned off.",
};

/** A failure outside the API (the browser refused, the person cancelled) whose message is for people. */
export class UserFacingError extends Error {}

export function accountErrorMessage(error: unknown): string {
  if (error instanceof NetworkError || error instanceof UserFacingError) {
    return error.message;
  }
  if (error instanceof ApiError) {
    if (error.code === "throttled") {
      return error.retryAfter === null
        ? "Too many requests. Please wait a while and try again."
        : `Too many requests. Try again in ${Math.ceil(error.retryAfter / 60)} minutes.`;
    }
    return MESSAGES[error.code] ?? error.message;
  }
  return "Something went wrong. Please try again.";
}

/** The first message of each field the API refused, keyed by field name. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(error.fields)
      .filter(([, messages]) => messages.length > 0)
      .map(([field, messages]) => [field, messages.join(" ")]),
  );
}
