"""Shape the generated project for the chosen options.

Which paths belong to which option is declared once, in cookiecutter.json: each feature flag
of ``_features`` owns the app ``backend/<app>``, the ``paths`` listed with it and the web
client's ``npm`` packages it alone uses, and ``_choice_paths`` names what a choice (an API-only
project) does not need. Adding a feature
means adding its app and one entry there. Nothing in this hook touches the network.
"""

import json
import secrets
import shutil
import sys
from pathlib import Path

LOCAL_ENV_EXAMPLE = Path("backend/.env.local.example")
LOCAL_ENV = Path("backend/.env")
FRONTEND_MANIFESTS = (Path("frontend/package.json"), Path("frontend/package-lock.json"))


def paths_to_remove(answers: dict) -> list[Path]:
    paths = [
        path
        for flag, feature in answers["_features"].items()
        if answers[flag] != "y"
        for path in [f"backend/{feature['app']}", *feature["paths"]]
    ]
    paths += [path for name, by_value in answers["_choice_paths"].items() for path in by_value.get(answers[name], [])]
    return [Path(path) for path in paths]


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def unused_packages(answers: dict) -> list[str]:
    return [
        package
        for flag, feature in answers["_features"].items()
        if answers[flag] != "y"
        for package in feature.get("npm", [])
    ]


def drop_packages(packages: list[str]) -> None:
    """Take the packages of features left out from the web client's manifest and lockfile, as
    ``npm uninstall`` would (they depend on nothing, so no other lockfile entry changes)."""
    manifest, lockfile = FRONTEND_MANIFESTS
    if not packages or not manifest.exists():
        return
    for path in (manifest, lockfile):
        data = json.loads(path.read_text())
        for section in ("dependencies", "devDependencies"):
            for holder in (data, data.get("packages", {}).get("", {})):
                for package in packages:
                    holder.get(section, {}).pop(package, None)
        for package in packages:
            data.get("packages", {}).pop(f"node_modules/{package}", None)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_local_env() -> None:
    """Fill the local env file with fresh secrets; staging and production keep placeholders.

    An existing file is kept: regenerating over a project (``--overwrite-if-exists``) must not
    change its secrets.
    """
    if LOCAL_ENV.exists():
        return
    text = LOCAL_ENV_EXAMPLE.read_text()
    text = text.replace("DJANGO_SECRET_KEY=change-me", f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}")
    text = text.replace("JWT_SIGNING_KEY=change-me", f"JWT_SIGNING_KEY={secrets.token_urlsafe(48)}")
    LOCAL_ENV.write_text(text)


def next_steps(answers: dict) -> str:
    opens = "http://localhost:3000" if answers["frontend"] == "nextjs" else "http://localhost:8000/api/docs/"
    return (
        f"\nGenerated {answers['project_slug']}. Next:\n"
        f"  cd {answers['project_slug']}\n"
        f"  make run    # then open {opens} and sign in as demo / demo-password-123\n"
        "  make test   # the project's tests\n"
        "See README.md in the project for the rest.\n"
    )


def main(answers: dict) -> int:
    for path in paths_to_remove(answers):
        remove(path)
    drop_packages(unused_packages(answers))
    write_local_env()
    print(next_steps(answers))
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}""")))
