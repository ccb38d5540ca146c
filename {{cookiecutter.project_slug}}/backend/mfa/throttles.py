"""Guessing codes is limited per client address and per account (ASVS 5.0 6.3.1), on top of the
challenge's own cap on wrong codes and the login limits that bound how often challenges are made."""

from rest_framework import throttling

from authentication.throttles import AddressThrottle, ClientAddressMixin


class MfaAddressThrottle(AddressThrottle):
    scope = "mfa"


class MfaAccountThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """Per account: the user of the presented challenge (the view finds it, ``view.challenge``)."""

    scope = "mfa_account"

    def get_cache_key(self, request, view) -> str | None:
        challenge = view.challenge(request)
        return self.history_key(challenge.user_id) if challenge is not None else None
