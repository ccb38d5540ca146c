"""Generate projects from this template.

One function, ``bake``, is shared by every template test, the benchmark and
the demo command, so they all generate projects the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parents[2]
DEFAULTS = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())


def bake(output_dir: Path, **answers: str) -> Path:
    """Generate a project with ``answers`` over the defaults; return its folder."""
    project = cookiecutter(
        str(TEMPLATE_DIR),
        no_input=True,
        extra_context=answers,
        output_dir=str(output_dir),
        overwrite_if_exists=True,
    )
    return Path(project)
