/**
 * The signed-in user's second factor: an authenticator app (TOTP) and its
 * recovery codes. Setting one up, turning it off and new recovery codes need
 * the current password (or a sign-in within the last few minutes).
 */
import type { AuthClient, TotpSetup } from "../auth/apiClient";

export const MFA_PATHS = {
  status: "/api/auth/mfa/",
  totp: "/api/auth/mfa/totp/",
  confirm: "/api/auth/mfa/totp/confirm/",
  disable: "/api/auth/mfa/totp/disable/",
  recoveryCodes: "/api/auth/mfa/recovery-codes/",
} as const;

export interface MfaStatus {
  totp: boolean;
  recovery_codes_left: number;
  /** The account must keep a second factor (a setting of the server). */
  required: boolean;
}

function post<T>(client: AuthClient, path: string, body: unknown): Promise<T> {
  return client.getJson<T>(path, { method: "POST", body: JSON.stringify(body) });
}

export function mfaStatus(client: AuthClient): Promise<MfaStatus> {
  return client.getJson<MfaStatus>(MFA_PATHS.status);
}

export function startTotpSetup(client: AuthClient, currentPassword: string): Promise<TotpSetup> {
  return post<TotpSetup>(client, MFA_PATHS.totp, { current_password: currentPassword });
}

/** The app's first code makes it active; the answer carries the recovery codes, shown once. */
export async function confirmTotp(client: AuthClient, code: string): Promise<string[]> {
  return (await post<{ recovery_codes: string[] }>(client, MFA_PATHS.confirm, { code })).recovery_codes;
}

export function turnOffTotp(client: AuthClient, currentPassword: string): Promise<{ ended: number }> {
  return post<{ ended: number }>(client, MFA_PATHS.disable, { current_password: currentPassword });
}

export async function newRecoveryCodes(client: AuthClient, currentPassword: string): Promise<string[]> {
  return (await post<{ recovery_codes: string[] }>(client, MFA_PATHS.recoveryCodes, { current_password: currentPassword }))
    .recovery_codes;
}
