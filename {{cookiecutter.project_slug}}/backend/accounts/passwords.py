"""The optional breached-password check (``PASSWORD_BREACH_CHECK=true``; NIST SP 800-63B-4
3.1.1.2, ASVS 5.0 6.2.12).

A k-anonymity range query (the Pwned Passwords API by default): only the first five hex digits
of the password's SHA-1 leave the server, and the answer lists every breached hash with that
prefix, padded so its size tells nothing either. When the service cannot be reached in time
(``PWNED_PASSWORDS["API_TIMEOUT"]``, 1 second), the check fails open: the password is held to
Django's common-password list instead, and the failure is logged at ERROR by
``pwned_passwords_django``.
"""

from pwned_passwords_django import api
from pwned_passwords_django.validators import PwnedPasswordsValidator

DEFAULT_RANGE_API = "https://api.pwnedpasswords.com/range/"


class RangeApiClient(api.PwnedPasswords):
    def __init__(self, range_api: str) -> None:
        super().__init__()
        self.api_endpoint = range_api if range_api.endswith("/") else f"{range_api}/"


class BreachedPasswordValidator(PwnedPasswordsValidator):
    def __init__(self, range_api: str = DEFAULT_RANGE_API, **kwargs) -> None:
        super().__init__(api_client=RangeApiClient(range_api), **kwargs)

    def get_help_text(self) -> str:
        return "Your password can't be one that has appeared in a data breach."
