"""Every variant the template tests generate, as data.

A variant is a name and the answers that differ from the defaults. Options, choices and the
feature flags all come from cookiecutter.json, so a new feature needs no change here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from tests.support.baking import DEFAULTS

# The feature table of cookiecutter.json: each flag's app, short name, traces and extra paths.
FEATURES: dict[str, dict] = DEFAULTS["_features"]
FLAGS = list(FEATURES)
SHORT = {flag: feature["short"] for flag, feature in FEATURES.items()}
CHOICES: dict[str, list[str]] = DEFAULTS["_choices"]
# Words that only a feature's own code may contain: when the flag is off they must appear nowhere.
TRACES = {flag: feature["traces"] for flag, feature in FEATURES.items()}


def feature_app(flag: str) -> str:
    """The folder of the flag's app, relative to the project root."""
    return f"backend/{FEATURES[flag]['app']}"


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


def flag_variant(values) -> Variant:
    answers = dict(zip(FLAGS, values, strict=True))
    return Variant(_flag_name(answers), answers)


# Every combination of the feature flags: all generated in the fast tier, all fully run in the full tier.
FLAG_MATRIX = [flag_variant(values) for values in itertools.product("ny", repeat=len(FLAGS))]


def pairwise_cover(flag_count: int) -> list[tuple[str, ...]]:
    """Flag combinations that hold every pair of values of every two flags at least once (a covering
    array of strength 2), starting with all off and all on; chosen greedily, so always the same.

    Features meet other features in pairs far more often than in threes: this finds the pairwise
    faults with a handful of variants, where every combination grows as 2 ** flags.
    """
    candidates = list(itertools.product("ny", repeat=flag_count))
    rows = [("n",) * flag_count, ("y",) * flag_count]
    uncovered = set().union(*map(value_pairs, candidates)) - value_pairs(rows[0]) - value_pairs(rows[1])
    while uncovered:
        best = max(candidates, key=lambda row: len(value_pairs(row) & uncovered))
        rows.append(best)
        uncovered -= value_pairs(best)
    return rows


def value_pairs(row: tuple[str, ...]) -> set[tuple]:
    """Each pair of flags with the values ``row`` gives them: (flag, value, other flag, its value)."""
    return {(i, row[i], j, row[j]) for i, j in itertools.combinations(range(len(row)), 2)}


# The fast tier fully runs these: every pair of flag values, all on and all off.
FLAG_COVER = [flag_variant(values) for values in pairwise_cover(len(FLAGS))]
# The full tier fully runs the rest of the matrix.
FLAG_REST = [variant for variant in FLAG_MATRIX if variant not in FLAG_COVER]

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
