"""The generated Next.js frontend, for each distinct frontend variant.

Full tier: ``npm ci`` (cached per lockfile), type-check, lint, unit tests and the production
build of each distinct frontend; the browser suite (Playwright driving Debian's Chromium) against the variant's
real Django backend, which the suite starts itself with 8-second access tokens.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.support.baking import bake
from tests.support.frontend_support import CHROMIUM, exclusive, frontend_env, install_node_modules, run
from tests.support.variants import ALL_FLAGS_ON, Variant

# Only use_passkeys changes frontend/ (a folder under src/features/ and what index.ts lists), so
# two web frontends cover every flag: with every feature and with none. The mobile auth module
# (mobile/) comes with use_mobile_endpoints, and its fingerprint binding with use_fingerprinting.
FRONTEND_VARIANTS = [Variant("all-features", ALL_FLAGS_ON), Variant("no-features")]
MOBILE_VARIANTS = [
    Variant("mobile", {"use_mobile_endpoints": "y", "frontend": "none"}),
    Variant("all-features", ALL_FLAGS_ON),
]
BROWSER_VARIANTS = [Variant("all-features", ALL_FLAGS_ON), Variant("no-features")]

STEPS = {
    "typecheck": ["npm", "run", "typecheck"],
    "lint": ["npm", "run", "lint"],
    "unit": ["npm", "run", "test"],
    "build": ["npm", "run", "build"],
}
VITEST_SUMMARY = re.compile(r"Tests\s+(\d+) passed")
PLAYWRIGHT_SUMMARY = re.compile(r"^\s*(\d+) passed", re.MULTILINE)


@pytest.mark.full
@pytest.mark.parametrize("variant", FRONTEND_VARIANTS, ids=lambda variant: variant.name)
def test_frontend_type_checks_lints_passes_unit_tests_and_builds(variant, tmp_path, record_property):
    start = time.monotonic()
    # One project name for all, so that only the options can make two frontends differ.
    frontend = bake(tmp_path, **variant.context) / "frontend"

    timings = {"npm ci": install_node_modules(frontend)}
    outputs = {}
    for name, command in STEPS.items():
        timings[name], outputs[name] = run(command, frontend)

    unit = VITEST_SUMMARY.search(outputs["unit"])
    assert unit, outputs["unit"][-2000:]
    steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in timings.items())
    record_property(
        "progress",
        f"frontend {variant.name:<24} {unit.group(1):>4} unit tests passed; {steps}; "
        f"total {time.monotonic() - start:5.1f}s",
    )


@pytest.mark.full
@pytest.mark.parametrize("variant", MOBILE_VARIANTS, ids=lambda variant: variant.name)
def test_mobile_module_type_checks_and_passes_its_unit_tests(variant, tmp_path, record_property):
    """The native client lives beside the web frontend, not in it, so an API-only project keeps it."""
    start = time.monotonic()
    mobile = bake(tmp_path, **variant.context) / "mobile"
    timings = {"npm ci": install_node_modules(mobile)}
    timings["typecheck"], _ = run(["npm", "run", "typecheck"], mobile)
    timings["unit"], output = run(["npm", "test"], mobile)
    unit = VITEST_SUMMARY.search(output)
    assert unit, output[-2000:]
    steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in timings.items())
    record_property(
        "progress",
        f"mobile   {variant.name:<24} {unit.group(1):>4} unit tests passed; {steps}; "
        f"total {time.monotonic() - start:5.1f}s",
    )


@pytest.mark.full
@pytest.mark.parametrize("variant", BROWSER_VARIANTS, ids=lambda variant: variant.name)
def test_browser_suite_passes_against_the_real_backend(variant, tmp_path, project_venv, record_property):
    assert CHROMIUM.exists(), f"no browser at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)"
    start = time.monotonic()
    frontend = bake(tmp_path, **variant.context) / "frontend"
    install_node_modules(frontend)
    env = frontend_env(BACKEND_PYTHON=str(project_venv / "bin" / "python"), CHROMIUM_PATH=str(CHROMIUM), CI="true")

    # Every browser suite listens on localhost:3000 and :8000: one at a time on this machine.
    with exclusive("browser-suite"):
        seconds, output = run(["npm", "run", "test:e2e"], frontend, env=env, timeout=1200)

    passed = PLAYWRIGHT_SUMMARY.search(output)
    assert passed, output[-3000:]
    record_property(
        "progress",
        f"browser  {variant.name:<24} {passed.group(1):>4} e2e tests passed in {seconds:5.1f}s "
        f"(total {time.monotonic() - start:5.1f}s; screenshots in {frontend / 'test-output' / 'screenshots'})",
    )
