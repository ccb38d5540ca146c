"""The structure of the generated backend: imports form no cycle, the core never imports an optional
feature's app, and the template's Python files keep Jinja out of function and class bodies."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.support.baking import TEMPLATE_DIR, bake
from tests.support.variants import ALL_FLAGS_ON, FEATURES

CORE_PACKAGES = ("config", "accounts", "authentication")
FEATURE_APPS = {feature["app"] for feature in FEATURES.values()}
JINJA = re.compile(r"\{%|\{\{")


def is_source(path: Path, backend: Path) -> bool:
    """Application code: not tests, test helpers or migrations."""
    parts = path.relative_to(backend).parts
    return not ({"tests", "migrations"} & set(parts)) and path.name not in ("conftest.py", "testing.py")


def module_name(path: Path, backend: Path) -> str:
    parts = list(path.relative_to(backend).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, module: str, known: set[str]) -> set[str]:
    """The project modules that ``path`` imports (relative imports resolved)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            candidates = [f"{base}.{alias.name}" for alias in node.names] + [base]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        for name in candidates:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on_stack, stack, result, counter = {}, {}, set(), [], [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


@pytest.fixture(scope="module")
def import_graph(tmp_path_factory) -> dict[str, set[str]]:
    backend = bake(tmp_path_factory.mktemp("structure"), **ALL_FLAGS_ON) / "backend"
    sources = {module_name(path, backend): path for path in backend.rglob("*.py") if is_source(path, backend)}
    known = set(sources)
    return {module: imports_of(path, module, known) & known for module, path in sources.items()}


def test_the_backend_imports_form_no_cycle(import_graph):
    assert cycles(import_graph) == []


def test_no_core_module_imports_an_optional_feature(import_graph, record_property):
    core = {module: targets for module, targets in import_graph.items() if module.split(".")[0] in CORE_PACKAGES}
    crossing = {
        module: sorted(target for target in targets if target.split(".")[0] in FEATURE_APPS)
        for module, targets in core.items()
    }
    assert {module: targets for module, targets in crossing.items() if targets} == {}
    record_property("progress", f"structure {len(import_graph)} modules, no import cycle, core imports no feature")


def jinja_in_bodies(path: Path) -> list[int]:
    """Lines of a template Python file whose Jinja sits inside a function or class body."""
    lines = path.read_text().splitlines()
    jinja_lines = [number for number, line in enumerate(lines, 1) if JINJA.search(line)]
    # Tag lines become comments and expressions a placeholder: what is left parses as Python.
    code = "\n".join("#" if "{%" in line else re.sub(r"\{\{.*?\}\}", "JINJA", line) for line in lines)
    bodies = [
        range(node.body[0].lineno, node.end_lineno + 1)
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    return [number for number in jinja_lines if any(number in body for body in bodies)]


def test_template_python_keeps_jinja_out_of_functions_and_classes(record_property):
    project = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
    with_jinja = [path for path in project.rglob("*.py") if JINJA.search(path.read_text())]
    inside = {str(path.relative_to(project)): jinja_in_bodies(path) for path in with_jinja}
    assert {name: lines for name, lines in inside.items() if lines} == {}
    jinja_lines = sum(len(JINJA.findall(path.read_text())) for path in with_jinja)
    record_property("progress", f"structure {len(with_jinja)} Python files with Jinja, {jinja_lines} Jinja tags")
