"""Shape the generated project for the chosen options.

Which paths belong to which option is declared once, in REMOVE_WHEN. Adding an
option means adding one entry here and its files to the template. Nothing in
this hook touches the network.
"""

import secrets
import shutil
import sys
from pathlib import Path

OPTIONS = {
    "frontend": "{{ cookiecutter.frontend }}",
    "jwt_algorithm": "{{ cookiecutter.jwt_algorithm }}",
    "use_mobile_endpoints": "{{ cookiecutter.use_mobile_endpoints }}",
    "use_fingerprinting": "{{ cookiecutter.use_fingerprinting }}",
    "use_ip_allowlist": "{{ cookiecutter.use_ip_allowlist }}",
    "use_token_cache": "{{ cookiecutter.use_token_cache }}",
}

# option -> value -> paths (relative to the project root) that this value does not need.
REMOVE_WHEN: dict[str, dict[str, list[str]]] = {
    "frontend": {
        "none": ["frontend", ".github/workflows/frontend.yml"],
    },
    "jwt_algorithm": {
        "HS256": ["backend/authentication/jwks.py"],
    },
    "use_mobile_endpoints": {
        "n": [
            "backend/authentication/mobile.py",
            "backend/tests/test_mobile.py",
            "frontend/mobile",
        ],
    },
    "use_fingerprinting": {
        "n": [
            "backend/authentication/fingerprint.py",
            "backend/tests/test_fingerprint.py",
            "frontend/mobile/fingerprint.ts",
            "frontend/mobile/fingerprint.test.ts",
        ],
    },
    "use_ip_allowlist": {
        "n": [
            "backend/ip_allowlist",
            "backend/tests/test_ip_allowlist.py",
        ],
    },
    "use_token_cache": {
        "n": [
            "backend/token_cache",
            "backend/tests/test_token_cache.py",
        ],
    },
}

LOCAL_ENV_EXAMPLE = Path("backend/.env.local.example")
LOCAL_ENV = Path("backend/.env")


def paths_to_remove(options: dict[str, str]) -> list[Path]:
    return [Path(path) for name, value in options.items() for path in REMOVE_WHEN.get(name, {}).get(value, [])]


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


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


def next_steps(project_dir: str, frontend: str) -> str:
    opens = "http://localhost:3000" if frontend == "nextjs" else "http://localhost:8000/api/docs/"
    return (
        f"\nGenerated {project_dir}. Next:\n"
        f"  cd {project_dir}\n"
        f"  make run    # then open {opens} and sign in as demo / demo-password-123\n"
        "  make test   # the project's tests\n"
        "See README.md in the project for the rest.\n"
    )


def main() -> int:
    for path in paths_to_remove(OPTIONS):
        remove(path)
    write_local_env()
    print(next_steps("{{ cookiecutter.project_slug }}", OPTIONS["frontend"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
