"""What a generated project contains: no template residue, and exactly the chosen features.

Fast tier: the flag matrix and the option variants. Full tier: every combination of every option.
"""

import re
import time

import pytest

from tests.support.baking import TEMPLATE_DIR, bake
from tests.support.variants import (
    FEATURES,
    FLAG_MATRIX,
    OPTION_VARIANTS,
    TRACES,
    Variant,
    every_combination,
    feature_app,
)

RESIDUE = re.compile(r"\{%|%\}|\{#|\{\{\s*cookiecutter|cookiecutter", re.IGNORECASE)
# Django templates use {% %} tags of their own; in them only a mention of cookiecutter is residue.
DJANGO_TEMPLATES = re.compile(r"backend/(\w+/)?templates/")
DJANGO_TEMPLATE_RESIDUE = re.compile(r"cookiecutter", re.IGNORECASE)
# Generated files cite public standards only: never a document their users do not have.
PRIVATE_CITATION = re.compile(r"\bSPEC\b|\b(?i:the guide)\b|\bR-(?:ASVS|OWASP|WSTG|DRF|ipware|\d{4})")
# Lockfiles list third-party package names, which are not ours to police.
SKIPPED_FILES = {"package-lock.json"}
# The post-generation hook writes fresh random secrets into backend/.env. Random text spells a
# feature's trace ("fgp") now and then, so their values are masked before the files are scanned.
GENERATED_SECRETS = re.compile(r"^(DJANGO_SECRET_KEY|JWT_SIGNING_KEY)=.*$", re.MULTILINE)


def project_files(project):
    for path in sorted(project.rglob("*")):
        if path.is_file() and path.name not in SKIPPED_FILES and "node_modules" not in path.parts:
            text = path.read_text(errors="replace")
            if path.name == ".env":
                text = GENERATED_SECRETS.sub(r"\1=<generated>", text)
            yield path, text


def residue_in(relative: str, text: str):
    return (DJANGO_TEMPLATE_RESIDUE if DJANGO_TEMPLATES.match(relative) else RESIDUE).search(text)


def check_variant(variant, tmp_path):
    project = bake(tmp_path, **variant.context)
    files = dict(project_files(project))
    residue = [
        f"{path.relative_to(project)}: {match.group(0)}"
        for path, text in files.items()
        for match in [residue_in(path.relative_to(project).as_posix(), text)]
        if match
    ]
    assert not residue, f"template residue in {variant.name}: {residue[:5]}"
    private = [
        f"{path.relative_to(project)}: {m.group(0)}"
        for path, text in files.items()
        for m in [PRIVATE_CITATION.search(text)]
        if m
    ]
    assert not private, f"citations of documents users do not have in {variant.name}: {private[:5]}"

    for flag, feature in FEATURES.items():
        enabled = variant.value(flag) == "y"
        assert (project / feature_app(flag) / "apps.py").exists() == enabled, f"{feature_app(flag)} with {flag}"
        if not enabled:
            left = [path for path in feature["paths"] if (project / path).exists()]
            assert not left, f"{flag} is off but {left} are there"
            pattern = re.compile("|".join(map(re.escape, TRACES[flag])), re.IGNORECASE)
            leaks = [
                str(path.relative_to(project))
                for path, text in files.items()
                if pattern.search(text) or pattern.search(str(path.relative_to(project)))
            ]
            assert not leaks, f"{flag} is off but these files mention it: {leaks}"

    if variant.value("frontend") == "none":
        assert not (project / "frontend").exists()
    # The native client needs only the mobile endpoints, not the web frontend.
    assert (project / "mobile" / "src" / "authClient.ts").exists() == (variant.value("use_mobile_endpoints") == "y")
    compile_all(project)
    return project


def compile_all(project):
    for path in (project / "backend").rglob("*.py"):
        compile(path.read_text(), str(path), "exec")


@pytest.mark.parametrize("variant", FLAG_MATRIX + OPTION_VARIANTS, ids=lambda variant: variant.name)
def test_generated_project_has_exactly_its_features(variant, tmp_path):
    check_variant(variant, tmp_path)


@pytest.mark.full
def test_every_combination_of_every_option_generates_cleanly(tmp_path, record_property):
    variants = every_combination()
    start = time.monotonic()
    for index, variant in enumerate(variants):
        check_variant(variant, tmp_path / str(index))
    elapsed = time.monotonic() - start
    record_property("progress", f"all {len(variants)} combinations generated and checked in {elapsed:.1f}s")


@pytest.mark.parametrize("variant", [Variant("default"), Variant("api-only", {"frontend": "none"})], ids=str)
def test_makefiles_install_through_stamps_and_never_touch_the_interpreter(variant, tmp_path):
    """`touch .venv/bin/python` follows the venv's symlink to the system Python: an ordinary user
    may not touch it, and root would rewrite the system interpreter's date."""
    makefiles = [TEMPLATE_DIR / "Makefile", bake(tmp_path, **variant.context) / "Makefile"]
    for makefile in makefiles:
        text = makefile.read_text()
        assert not re.search(r"^\s*touch\s+\$\(PY\)", text, re.MULTILINE), makefile
        assert not re.search(r"^\$\(PY\)\s*:", text, re.MULTILINE), makefile
        assert re.search(r"^\s*touch \$@$", text, re.MULTILINE), makefile
