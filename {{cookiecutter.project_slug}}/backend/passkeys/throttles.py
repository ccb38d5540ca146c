"""Sign-in ceremonies need no account, so they are limited per client address: each one makes a
challenge, and each answer costs a signature check (ASVS 5.0 6.3.1)."""

from authentication.throttles import AddressThrottle


class PasskeySignInThrottle(AddressThrottle):
    scope = "passkey"
