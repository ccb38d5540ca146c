"""Limits on the account endpoints: every one that sends mail is limited per client address and
per target address, so neither a botnet nor a list of victims turns it into a mail cannon; the
endpoints that take a link's token are limited per address (ASVS 5.0 6.3.1)."""

from authentication.throttles import AddressThrottle, BodyFieldThrottle


class AccountMailAddressThrottle(AddressThrottle):
    scope = "account_mail"


class AccountMailTargetThrottle(BodyFieldThrottle):
    """Per address mailed to, across sign-up, resend and reset (one counter per address)."""

    scope = "account_mail_target"
    field = "email"


class EmailChangeTargetThrottle(AccountMailTargetThrottle):
    field = "new_email"


class AccountLinkThrottle(AddressThrottle):
    scope = "account_link"


MAIL_THROTTLES = [AccountMailAddressThrottle, AccountMailTargetThrottle]
