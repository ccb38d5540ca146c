/**
 * The account endpoints (sign-up, email verification, password reset, email
 * change) as functions of the auth client. None of them needs a session except
 * `requestEmailChange`; none touches tokens or cookies.
 */
import type { AuthClient } from "../auth/apiClient";
import type { User } from "../auth/session";

export { UserFacingError, accountErrorMessage, fieldErrorsOf, type FieldErrors } from "./messages";
export { takeLinkToken, tokenFromFragment } from "./linkToken";
export {
  MFA_PATHS,
  type MfaStatus,
  confirmTotp,
  mfaStatus,
  newRecoveryCodes,
  startTotpSetup,
  turnOffTotp,
} from "./mfa";
export {
  type ActivityEntry,
  type DeviceSession,
  SECURITY_PATHS,
  endOtherSessions,
  endSession,
  listSessions,
  recentActivity,
} from "./security";

export const ACCOUNT_PATHS = {
  signup: "/api/account/signup/",
  verifyEmail: "/api/account/verify-email/",
  resendVerification: "/api/account/verify-email/resend/",
  passwordReset: "/api/account/password-reset/",
  passwordResetConfirm: "/api/account/password-reset/confirm/",
  emailChange: "/api/account/email/",
  emailChangeConfirm: "/api/account/email/confirm/",
} as const;

/**
 * The backend's policy (NIST SP 800-63B-4): at least 15 characters, any
 * characters, no composition rules. The server checks it; this only guides.
 */
export const PASSWORD_MIN_LENGTH = 15;

export interface Accepted {
  detail: string;
}

export function signUp(client: AuthClient, username: string, email: string, password: string): Promise<Accepted> {
  return client.postPublic<Accepted>(ACCOUNT_PATHS.signup, { username, email, password });
}

export function verifyEmail(client: AuthClient, token: string): Promise<User> {
  return client.postPublic<User>(ACCOUNT_PATHS.verifyEmail, { token });
}

export function resendVerification(client: AuthClient, email: string): Promise<Accepted> {
  return client.postPublic<Accepted>(ACCOUNT_PATHS.resendVerification, { email });
}

export function requestPasswordReset(client: AuthClient, email: string): Promise<Accepted> {
  return client.postPublic<Accepted>(ACCOUNT_PATHS.passwordReset, { email });
}

export function resetPassword(client: AuthClient, token: string, newPassword: string): Promise<Accepted> {
  return client.postPublic<Accepted>(ACCOUNT_PATHS.passwordResetConfirm, { token, new_password: newPassword });
}

/** Signed in: the new address gets a link; nothing changes until it is followed. */
export function requestEmailChange(
  client: AuthClient,
  newEmail: string,
  currentPassword: string,
): Promise<Accepted> {
  return client.getJson<Accepted>(ACCOUNT_PATHS.emailChange, {
    method: "POST",
    body: JSON.stringify({ new_email: newEmail, current_password: currentPassword }),
  });
}

export function confirmEmailChange(client: AuthClient, token: string): Promise<{ detail: string; email: string }> {
  return client.postPublic(ACCOUNT_PATHS.emailChangeConfirm, { token });
}
