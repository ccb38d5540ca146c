"""The rules a signing key must meet, read from settings values alone.

They live here, below every app, because the production settings apply them while they load;
authentication (its key ring and its system check) applies the same function.
"""

# The defaults of the key settings, as authentication/conf.py documents them.
KEY_DEFAULTS = {
    "ALGORITHM": "HS256",
    "SIGNING_KEY": "",
    "PRIVATE_KEY": "",
    "PRIVATE_KEY_FILE": "",
    "PREVIOUS_SIGNING_KEYS": [],
}
ALGORITHMS = ("HS256", "RS256", "EdDSA")
MINIMUM_SECRET_BYTES = 32  # RFC 7518 3.2: at least the hash output, 256 bits for HS256


def signing_key_errors(auth: dict, secret_key: str) -> list[str]:
    """What makes the key settings of an ``AUTH`` dict unusable, named by their environment variables.

    The one check of key strength: the production settings run it as they load, so that a
    process never starts with a missing or weak key, and ``manage.py check`` runs it too. What
    only the key itself can tell (an RSA key too short) is checked where it is read, in
    authentication/keys.py.
    """
    values = {**KEY_DEFAULTS, **auth}
    algorithm = values["ALGORITHM"]
    if algorithm not in ALGORITHMS:
        return [f"JWT_ALGORITHM must be one of {', '.join(ALGORITHMS)}; not {algorithm!r}."]
    errors = []
    if algorithm == "HS256":
        key = values["SIGNING_KEY"]
        if not key:
            errors.append(
                "The environment variable JWT_SIGNING_KEY is required for HS256 (generate_signing_key makes one)."
            )
        elif len(key.encode()) < MINIMUM_SECRET_BYTES:
            errors.append(f"JWT_SIGNING_KEY must be at least {MINIMUM_SECRET_BYTES} bytes of random data.")
        elif key == secret_key:
            errors.append("JWT_SIGNING_KEY must differ from DJANGO_SECRET_KEY.")
    elif not (values["PRIVATE_KEY"] or values["PRIVATE_KEY_FILE"]):
        errors.append(
            f"JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE is required for {algorithm} (manage.py generate_signing_key)."
        )
    weak = [key for key in values["PREVIOUS_SIGNING_KEYS"] if len(key.encode()) < MINIMUM_SECRET_BYTES]
    if weak:
        errors.append(f"JWT_PREVIOUS_SIGNING_KEYS holds a key shorter than {MINIMUM_SECRET_BYTES} bytes.")
    return errors
