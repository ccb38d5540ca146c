"""Reject invalid answers before anything is written.

A bad answer stops generation with one line that names it and says what would be valid, and
nothing is written. Which choices are valid is read from cookiecutter.json (``_choices``).

``answer_errors`` also runs as soon as the last question is answered (``local_extensions``),
so that cookiecutter ends with that line alone instead of a hook traceback; running again here,
it covers answers replayed from a file as well.
"""

import json
import keyword
import re
import sys

YES_NO = ("y", "n")
# Free text that lands inside quoted strings of the generated files (Python, TOML, .env).
TEXT_ANSWERS = ("project_name", "description", "author_name")
UNQUOTABLE = re.compile(r'["\\\x00-\x1f\x7f]')

# RFC 1123 host labels; at least two labels, and the last one alphabetic (a TLD).
DOMAIN_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
DOMAIN = re.compile("^(?:" + DOMAIN_LABEL + r"\.)+[a-z]{2,63}$")
# A pragmatic address check: one @, no spaces, a dotted domain after it.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def text_errors(answers: dict) -> list[str]:
    return [
        f"{name} {answers[name]!r} may not contain double quotes, backslashes or line breaks."
        for name in TEXT_ANSWERS
        if UNQUOTABLE.search(answers[name])
    ]


def slug_errors(slug: str) -> list[str]:
    if not slug.isascii() or not slug.isidentifier() or keyword.iskeyword(slug):
        return [f"project_slug {slug!r} is not a valid Python identifier (use letters, digits and underscores)."]
    if slug != slug.lower():
        return [f"project_slug {slug!r} must be lower case."]
    return []


def domain_errors(domain: str) -> list[str]:
    if len(domain) > 253 or not DOMAIN.match(domain):
        return [f"domain_name {domain!r} is not a host name like example.com (no scheme, port or path)."]
    return []


def email_errors(email: str) -> list[str]:
    if not EMAIL.match(email):
        return [f"email {email!r} is not an email address like jane@example.com."]
    return []


def choice_errors(answers: dict) -> list[str]:
    return [
        f"{name} must be one of {', '.join(values)}; not {answers[name]!r}."
        for name, values in answers["_choices"].items()
        if answers[name] not in values
    ]


def yes_no_errors(answers: dict) -> list[str]:
    """Every feature flag (``_features``) is a y/n question."""
    return [
        f"{flag} must be y or n; not {answers[flag]!r}." for flag in answers["_features"] if answers[flag] not in YES_NO
    ]


def answer_errors(answers: dict) -> list[str]:
    """What is wrong with the answers, most basic first; empty when they can be generated."""
    return [
        *text_errors(answers),
        *slug_errors(answers["project_slug"]),
        *domain_errors(answers["domain_name"]),
        *email_errors(answers["email"]),
        *choice_errors(answers),
        *yes_no_errors(answers),
    ]


def main() -> int:
    errors = answer_errors(json.loads(r"""{{ cookiecutter | tojson }}"""))
    if errors:
        print(f"ERROR: {errors[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
