/**
 * Passkeys (WebAuthn) against /api/auth/passkeys/: the server makes the options and checks the
 * answers; @simplewebauthn/browser turns options into `navigator.credentials` calls and the
 * authenticator's answer back into JSON.
 */
import {
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  WebAuthnError,
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
} from "@simplewebauthn/browser";

import { UserFacingError } from "@/lib/account";
import type { AuthClient, User } from "@/lib/auth";

export const PASSKEY_PATHS = {
  list: "/api/auth/passkeys/",
  registerOptions: "/api/auth/passkeys/register/options/",
  register: "/api/auth/passkeys/register/",
  signInOptions: "/api/auth/passkeys/sign-in/options/",
  signIn: "/api/auth/passkeys/sign-in/",
  passkey: (id: number) => `/api/auth/passkeys/${id}/`,
  remove: (id: number) => `/api/auth/passkeys/${id}/remove/`,
} as const;

export interface Passkey {
  id: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
  backup_eligible: boolean;
  /** Synced to a cloud account: it survives the loss of one device. */
  backed_up: boolean;
  transports: string[];
}

/** Passkeys belong to a domain name: a page on an IP address (127.0.0.1) cannot use them. */
export function passkeysAvailable(): boolean {
  return browserSupportsWebAuthn() && !/^[\d.]+$|^\[/.test(window.location.hostname);
}

/**
 * The browser's passkey dialog, turned into a message for people when it fails: closed by the
 * person, timed out, or refused (the browser says why).
 */
async function ceremony<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (failure) {
    const cause = failure instanceof WebAuthnError && failure.cause instanceof Error ? failure.cause : failure;
    if (cause instanceof Error && cause.name === "NotAllowedError") {
      throw new UserFacingError("The passkey request was cancelled or timed out. Try again when you are ready.");
    }
    if (failure instanceof WebAuthnError) {
      throw new UserFacingError(failure.message);
    }
    throw failure;
  }
}

function post<T>(client: AuthClient, path: string, body: unknown): Promise<T> {
  return client.getJson<T>(path, { method: "POST", body: JSON.stringify(body) });
}

export function listPasskeys(client: AuthClient): Promise<Passkey[]> {
  return client.getJson<Passkey[]>(PASSKEY_PATHS.list);
}

/** Make a passkey on this device (the browser asks the person) and register it under `name`. */
export async function addPasskey(client: AuthClient, currentPassword: string, name: string): Promise<Passkey> {
  const { options } = await post<{ options: PublicKeyCredentialCreationOptionsJSON }>(
    client,
    PASSKEY_PATHS.registerOptions,
    { current_password: currentPassword },
  );
  const credential = await ceremony(() => startRegistration({ optionsJSON: options }));
  return post<Passkey>(client, PASSKEY_PATHS.register, { credential, name });
}

export function renamePasskey(client: AuthClient, id: number, name: string): Promise<Passkey> {
  return client.getJson<Passkey>(PASSKEY_PATHS.passkey(id), { method: "PATCH", body: JSON.stringify({ name }) });
}

export function removePasskey(client: AuthClient, id: number, currentPassword: string): Promise<{ ended: number }> {
  return post<{ ended: number }>(client, PASSKEY_PATHS.remove(id), { current_password: currentPassword });
}

/** Sign in with any passkey of this site the device holds: no username, no password. */
export async function signInWithPasskey(client: AuthClient): Promise<User> {
  const { options } = await client.postPublic<{ options: PublicKeyCredentialRequestOptionsJSON }>(
    PASSKEY_PATHS.signInOptions,
    {},
  );
  const credential = await ceremony(() => startAuthentication({ optionsJSON: options }));
  return (await client.signInAt(PASSKEY_PATHS.signIn, { credential })).user;
}
