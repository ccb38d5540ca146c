"""Reject invalid answers before anything is written.

Each check prints one line naming the bad value and exits 1, so a typo never
turns into a half-generated project.
"""

import keyword
import re
import sys

ANSWERS = {
    "project_slug": "{{ cookiecutter.project_slug }}",
    "domain_name": "{{ cookiecutter.domain_name }}",
    "email": "{{ cookiecutter.email }}",
}
YES_NO_OPTIONS = {
    "use_mobile_endpoints": "{{ cookiecutter.use_mobile_endpoints }}",
    "use_fingerprinting": "{{ cookiecutter.use_fingerprinting }}",
    "use_ip_allowlist": "{{ cookiecutter.use_ip_allowlist }}",
    "use_token_cache": "{{ cookiecutter.use_token_cache }}",
}

# RFC 1123 host labels; at least two labels, and the last one alphabetic (a TLD).
DOMAIN_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
DOMAIN = re.compile("^(?:" + DOMAIN_LABEL + r"\.)+[a-z]{2,63}$")
# A pragmatic address check: one @, no spaces, a dotted domain after it.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def slug_error(slug: str) -> str | None:
    if not slug.isidentifier() or keyword.iskeyword(slug):
        return f"project_slug {slug!r} is not a valid Python identifier (use letters, digits and underscores)."
    if slug != slug.lower():
        return f"project_slug {slug!r} must be lower case."
    return None


def domain_error(domain: str) -> str | None:
    if len(domain) > 253 or not DOMAIN.match(domain):
        return f"domain_name {domain!r} is not a host name like example.com (no scheme, port or path)."
    return None


def email_error(email: str) -> str | None:
    if not EMAIL.match(email):
        return f"email {email!r} is not an email address like jane@example.com."
    return None


def yes_no_errors(options: dict[str, str]) -> list[str]:
    return [f"{name} must be 'y' or 'n', not {value!r}." for name, value in options.items() if value not in ("y", "n")]


def main() -> int:
    errors = [
        slug_error(ANSWERS["project_slug"]),
        domain_error(ANSWERS["domain_name"]),
        email_error(ANSWERS["email"]),
        *yes_no_errors(YES_NO_OPTIONS),
    ]
    first = next((error for error in errors if error), None)
    if first:
        print(f"ERROR: {first}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
