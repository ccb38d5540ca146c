/**
 * Fingerprint binding (OWASP JWT cheat sheet, "Token Sidejacking"): the
 * backend puts the hash of a random value in every token of the session and
 * gives mobile clients the value once, at login. Presenting it in
 * `X-Fingerprint` on every call proves a replayed token came from this device.
 * The value is a secret like the refresh token, so it lives in secure storage.
 *
 *   new MobileAuthClient({ apiUrl, storage, binding: fingerprintBinding(storage) })
 */
import type { ClientBinding, SecureStorage } from "./authClient";

export const FINGERPRINT_KEY = "auth.fingerprint";
export const FINGERPRINT_HEADER = "X-Fingerprint";

export function fingerprintBinding(storage: SecureStorage): ClientBinding {
  let cached: string | null | undefined;
  return {
    async remember(loginBody) {
      if (typeof loginBody.fingerprint === "string") {
        cached = loginBody.fingerprint;
        await storage.setItemAsync(FINGERPRINT_KEY, cached);
      }
    },
    async headers(): Promise<Record<string, string>> {
      cached ??= await storage.getItemAsync(FINGERPRINT_KEY);
      return cached === null ? {} : { [FINGERPRINT_HEADER]: cached };
    },
    async forget() {
      cached = null;
      await storage.deleteItemAsync(FINGERPRINT_KEY);
    },
  };
}
