"""Generation that guides: a valid slug for every name, prompts that show their choices, one clear
line for a bad answer (and nothing written), and the next steps after a good one."""

import json
import subprocess
import sys

import pytest
from jinja2 import Environment
from rich.console import Console

from local_extensions import InvalidAnswer, python_slug
from tests.support.baking import DEFAULTS, TEMPLATE_DIR, bake

COOKIECUTTER = [sys.executable, "-m", "cookiecutter", str(TEMPLATE_DIR), "--no-input"]

REJECTED = [
    ({"project_slug": "my-project"}, "project_slug 'my-project' is not a valid Python identifier"),
    ({"project_slug": "1project"}, "project_slug '1project' is not a valid Python identifier"),
    ({"project_slug": "class"}, "project_slug 'class' is not a valid Python identifier"),
    ({"project_slug": "café"}, "project_slug 'café' is not a valid Python identifier"),
    ({"project_slug": "MyProject"}, "project_slug 'MyProject' must be lower case"),
    ({"project_name": 'Acme "Best"'}, "project_name 'Acme \"Best\"' may not contain double quotes"),
    ({"description": "back\\slash"}, "description 'back\\\\slash' may not contain double quotes, backslashes"),
    ({"domain_name": "https://example.com"}, "domain_name 'https://example.com' is not a host name"),
    ({"domain_name": "example"}, "domain_name 'example' is not a host name"),
    ({"domain_name": "exa mple.com"}, "domain_name 'exa mple.com' is not a host name"),
    ({"domain_name": "-bad.example.com"}, "domain_name '-bad.example.com' is not a host name"),
    ({"email": "not-an-email"}, "email 'not-an-email' is not an email address"),
    ({"email": "a@b"}, "email 'a@b' is not an email address"),
    ({"use_token_cache": "yes"}, "use_token_cache must be y or n; not 'yes'"),
    ({"jwt_algorithm": "ES256"}, "jwt_algorithm must be one of HS256, RS256; not 'ES256'"),
    ({"frontend": "react"}, "frontend must be one of nextjs, none; not 'react'"),
    ({"token_lifetime_profile": "forever"}, "token_lifetime_profile must be one of standard, high_security, low_risk"),
]
IDS = [next(iter(answers)) + "=" + next(iter(answers.values())) for answers, _ in REJECTED]


@pytest.mark.parametrize(("answers", "message"), REJECTED, ids=IDS)
def test_invalid_answer_is_rejected_with_its_reason(tmp_path, answers, message):
    with pytest.raises(InvalidAnswer) as raised:
        bake(tmp_path, **answers)
    assert message in raised.value.message
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "answer", ["jwt_algorithm=ES256", "use_fingerprinting=maybe", "project_slug=my-app"], ids=lambda a: a
)
def test_command_line_ends_with_one_clear_line_and_no_traceback(tmp_path, answer):
    result = subprocess.run(
        [*COOKIECUTTER, "--output-dir", str(tmp_path), answer], capture_output=True, text=True, timeout=60, check=False
    )
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: ") and answer.split("=")[0] in lines[0]
    assert not any(tmp_path.iterdir())


def render_hook(answers: dict) -> str:
    source = (TEMPLATE_DIR / "hooks" / "pre_gen_project.py").read_text()
    context = {name: value for name, value in DEFAULTS.items() if not name.startswith("__")}
    context["project_slug"] = python_slug(context["project_name"])
    return Environment().from_string(source).render(cookiecutter={**context, **answers})


def test_pre_generation_hook_rejects_replayed_answers_with_one_line(tmp_path):
    """Answers from a replay file skip the questions; the hook itself still refuses them."""
    hook = tmp_path / "pre_gen_project.py"
    hook.write_text(render_hook({"use_token_cache": "Y"}))
    result = subprocess.run([sys.executable, str(hook)], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["ERROR: use_token_cache must be y or n; not 'Y'."]
    hook.write_text(render_hook({}))
    assert subprocess.run([sys.executable, str(hook)], timeout=30, check=False).returncode == 0


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme Portal", "acme_portal"),
        ("Acme's Portal", "acmes_portal"),
        ("2FA Portal", "project_2fa_portal"),
        ("Café 2000!", "cafe_2000"),
        ("Acme.Portal", "acme_portal"),
        ("naïve—app", "naive_app"),
        ("class", "class_project"),
        ("!!!", "project"),
    ],
)
def test_every_project_name_gets_a_valid_default_slug(tmp_path, name, slug):
    project = bake(tmp_path, project_name=name)
    assert project.name == slug
    assert (project / "backend" / "manage.py").exists()


@pytest.mark.parametrize("flag", [name for name in DEFAULTS if name.startswith("use_")])
def test_yes_no_prompts_show_their_choices(flag):
    """cookiecutter prints prompts as rich markup, where a bare [y/n] is a style tag and vanishes."""
    console = Console(record=True, width=200)
    console.print(DEFAULTS["__prompts__"][flag])
    assert console.export_text().strip().endswith("[y/n]")


@pytest.mark.parametrize("option", list(DEFAULTS["_choices"]))
def test_choice_prompts_name_every_choice(option):
    console = Console(record=True, width=400)
    console.print(DEFAULTS["__prompts__"][option])
    shown = console.export_text()
    assert all(f"{choice}:" in shown for choice in DEFAULTS["_choices"][option])
    assert DEFAULTS[option] in DEFAULTS["_choices"][option]


def test_successful_run_prints_the_next_steps(tmp_path):
    result = subprocess.run(
        [*COOKIECUTTER, "--output-dir", str(tmp_path), "project_name=Shop"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "cd shop" in result.stdout
    assert "make run" in result.stdout and "make test" in result.stdout
    assert "http://localhost:3000" in result.stdout


def test_valid_answers_generate_a_project(tmp_path):
    project = bake(tmp_path, project_slug="shop_api", domain_name="shop.example.org", email="ops@shop.example.org")
    assert (project / "backend" / "manage.py").exists()
    assert "shop.example.org" in (project / "backend" / "config" / "settings" / "base.py").read_text()


def test_local_env_gets_fresh_secrets_and_deployed_examples_do_not(tmp_path):
    first = (bake(tmp_path / "a") / "backend" / ".env").read_text()
    second = (bake(tmp_path / "b") / "backend" / ".env").read_text()
    assert "change-me" not in first
    assert first != second
    production = (tmp_path / "a" / "acme_portal" / "backend" / ".env.production.example").read_text()
    assert "DJANGO_SECRET_KEY=\n" in production


def test_regenerating_over_a_project_keeps_its_local_secrets(tmp_path):
    """`make demo` regenerates over the previous demo; its sessions and keys must survive."""
    env_file = bake(tmp_path) / "backend" / ".env"
    before = env_file.read_text()
    bake(tmp_path)
    assert env_file.read_text() == before


@pytest.mark.parametrize("flag", [flag for flag, feature in DEFAULTS["_features"].items() if feature.get("npm")])
def test_a_features_npm_packages_come_only_with_it(tmp_path, flag):
    """Left out, they leave the manifest and the lockfile as `npm uninstall` would: npm ci still
    agrees with both (the full tier installs each frontend with it)."""
    packages = DEFAULTS["_features"][flag]["npm"]
    for value in ("y", "n"):
        frontend = bake(tmp_path / value, **{flag: value}) / "frontend"
        manifest = json.loads((frontend / "package.json").read_text())
        lock = json.loads((frontend / "package-lock.json").read_text())
        lock_root = lock["packages"][""]
        for package in packages:
            listed = package in manifest["dependencies"] | manifest.get("devDependencies", {})
            locked = f"node_modules/{package}" in lock["packages"]
            required = package in lock_root.get("dependencies", {}) | lock_root.get("devDependencies", {})
            assert listed == locked == required == (value == "y"), (flag, value, package)
