"""Jinja filters for cookiecutter.json (cookiecutter loads this file through ``_extensions``)."""

import importlib.util
import keyword
import re
import unicodedata
from pathlib import Path

import click
from cookiecutter.utils import simple_filter

# Removed without a word break: "Acme's" is one word.
APOSTROPHES = "'\u2019`"
ANSWER_RULES = Path(__file__).resolve().parent / "hooks" / "pre_gen_project.py"


def python_slug(name: str) -> str:
    """A lower-case Python identifier for any project name.

    "Acme's Portal" -> acmes_portal, "Café 2000!" -> cafe_2000, "2FA Portal" -> project_2fa_portal,
    "Acme.Portal" -> acme_portal, "class" -> class_project, "!!!" -> project.
    """
    # Accents go (é -> e); any other character outside ASCII separates words, as a space would.
    decomposed = unicodedata.normalize("NFKD", str(name))
    ascii_name = "".join(
        c if c.isascii() or c in APOSTROPHES else " " for c in decomposed if not unicodedata.combining(c)
    )
    words = re.sub(f"[{APOSTROPHES}]", "", ascii_name.lower())
    slug = re.sub(r"[^a-z0-9]+", "_", words).strip("_") or "project"
    if slug[0].isdigit():
        slug = f"project_{slug}"
    if keyword.iskeyword(slug):
        slug = f"{slug}_project"
    return slug


class InvalidAnswer(click.ClickException):
    """cookiecutter's command line prints this as one line, ``Error: <message>``, and exits 1."""


def _answer_rules():
    spec = importlib.util.spec_from_file_location("answer_rules", ANSWER_RULES)
    rules = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rules)
    return rules


def checked_answers(answers) -> str:
    """The pre-generation hook's checks, run as soon as the last question is answered.

    A hook that fails makes cookiecutter print a traceback after the hook's message; an error
    raised here ends the run with the message alone.
    """
    errors = _answer_rules().answer_errors(dict(answers))
    if errors:
        raise InvalidAnswer(errors[0])
    return "yes"


# ``{{ cookiecutter.project_name | python_slug }}`` and ``{{ cookiecutter | checked_answers }}``.
python_slug_filter = simple_filter(python_slug)
checked_answers_filter = simple_filter(checked_answers)
