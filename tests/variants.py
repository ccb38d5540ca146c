"""Every variant the template tests generate, as data.

A variant is a name and the answers that differ from the defaults. Adding a cookiecutter
option means adding its values here (and, if it removes files, to the hook's REMOVE_WHEN).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from tests.baking import DEFAULTS

FLAGS = ["use_mobile_endpoints", "use_fingerprinting", "use_ip_allowlist", "use_token_cache"]
SHORT = {
    "use_mobile_endpoints": "mobile",
    "use_fingerprinting": "fp",
    "use_ip_allowlist": "allow",
    "use_token_cache": "cache",
}
CHOICES: dict[str, list[str]] = DEFAULTS["_choices"]

# Words that only a feature's own code may contain: when the flag is off they must appear nowhere.
TRACES = {
    "use_mobile_endpoints": ["mobile"],
    "use_fingerprinting": ["fingerprint", "fgp"],
    "use_ip_allowlist": ["allowlist"],
    "use_token_cache": ["token_cache", "token cache", "TOKEN_CACHE"],
}
# Files each flag brings; they exist exactly when the flag is on.
FEATURE_FILES = {
    "use_mobile_endpoints": ["backend/authentication/mobile.py", "backend/tests/test_mobile.py"],
    "use_fingerprinting": ["backend/authentication/fingerprint.py", "backend/tests/test_fingerprint.py"],
    "use_ip_allowlist": ["backend/ip_allowlist/middleware.py", "backend/tests/test_ip_allowlist.py"],
    "use_token_cache": ["backend/token_cache/store.py", "backend/tests/test_token_cache.py"],
}


@dataclass(frozen=True)
class Variant:
    name: str
    answers: dict = field(default_factory=dict)

    def value(self, option: str) -> str:
        return self.answers.get(option, DEFAULTS[option])

    @property
    def slug(self) -> str:
        return "v_" + self.name.replace("-", "_")

    @property
    def context(self) -> dict:
        return {"project_name": self.slug, **self.answers}


def _flag_name(answers: dict) -> str:
    on = [SHORT[flag] for flag in FLAGS if answers.get(flag) == "y"]
    return "-".join(on) or "no-features"


ALL_FLAGS_ON = {flag: "y" for flag in FLAGS}

# The 16 combinations of the feature flags, every one generated and fully tested.
FLAG_MATRIX = [
    Variant(_flag_name(answers), answers)
    for answers in (dict(zip(FLAGS, values, strict=True)) for values in itertools.product("ny", repeat=len(FLAGS)))
]

# Every other option value, fully tested at least once.
OPTION_VARIANTS = [
    Variant("rs256-all", {"jwt_algorithm": "RS256", **ALL_FLAGS_ON}),
    Variant("rs256-none", {"jwt_algorithm": "RS256"}),
    Variant("high-security", {"token_lifetime_profile": "high_security", "use_token_cache": "y"}),
    Variant(
        "low-risk-api-only", {"token_lifetime_profile": "low_risk", "frontend": "none", "use_mobile_endpoints": "y"}
    ),
]


def every_combination() -> list[Variant]:
    """All combinations of all options: generated and checked statically."""
    names = list(CHOICES) + FLAGS
    values = [CHOICES[name] for name in CHOICES] + [["n", "y"]] * len(FLAGS)
    variants = []
    for combo in itertools.product(*values):
        answers = dict(zip(names, combo, strict=True))
        name = "-".join(str(value).lower() for value in combo)
        variants.append(Variant(name.replace("_", ""), answers))
    return variants
