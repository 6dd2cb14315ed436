"""The shape of the code: which app may import which, and who may name ``tthc``'s tables in SQL.

Data flows one way (docs/adr/0010-scope-object.md): every app imports only the apps below it in
``LAYERS``, so there is no cycle; ``core`` imports no domain app and no domain app imports ``demo``.
Only ``tthc`` (its dossier store) names a ``tthc_*`` table in SQL. A cross-app import inside a function
says why on its line (a comment), or it belongs at the top of the module.

The graph is built from the source (``ast``): module-level and function-level imports and
``import_module("…")`` / ``import_string("…")`` with a literal path; tests and migrations are left out.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parent.parent

#: The layering, bottom first: an app may import only the apps before it.
LAYERS = (
    "core",
    "tthc",
    "accounts",
    "reconciliation",
    "complaints",
    "readiness",
    "indicators",
    "reports",
    "demo",
)


_DYNAMIC = {"import_module", "import_string"}


@dataclass(frozen=True)
class Edge:
    source: str  # importing app
    target: str  # imported app
    where: str  # path:line
    in_function: bool
    commented: bool  # a comment on the import's line (or the line above) gives the reason
    dynamic: bool = False


def app_names() -> list[str]:
    return sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


def modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" in parts or "tests" in parts or path.name.startswith("test_"):
            continue
        yield path


def _functions_of(tree: ast.AST) -> set[int]:
    """ids of the nodes inside a function body."""
    inside: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside.update(id(n) for n in ast.walk(fn) if n is not fn)
    return inside


def _commented(lines: list[str], lineno: int) -> bool:
    line = lines[lineno - 1]
    above = lines[lineno - 2].strip() if lineno >= 2 else ""
    return "#" in line or above.startswith("#")


@cache
def edges() -> tuple[Edge, ...]:
    names = set(app_names())
    found = []
    for app in app_names():
        for path in modules(app):
            text = path.read_text(encoding="utf-8")
            tree, lines = ast.parse(text), text.splitlines()
            inside = _functions_of(tree)
            rel = path.relative_to(ROOT)
            for node in ast.walk(tree):
                targets, dynamic = [], False
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    targets = [node.module]
                elif (
                    isinstance(node, ast.Call)
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and getattr(node.func, "attr", getattr(node.func, "id", None)) in _DYNAMIC
                ):
                    targets, dynamic = [node.args[0].value], True
                for target in targets:
                    top = target.split(".")[0]
                    if top in names and top != app:
                        found.append(
                            Edge(
                                app,
                                top,
                                f"{rel}:{node.lineno}",
                                id(node) in inside,
                                _commented(lines, node.lineno),
                                dynamic,
                            )
                        )
    return tuple(found)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}
    found: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif not state.get(nxt):
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [node])
    return found


# --- the tests --------------------------------------------------------------------------------------
def test_every_app_has_a_place_in_the_layering():
    assert set(app_names()) <= set(LAYERS), f"place {set(app_names()) - set(LAYERS)} in LAYERS"


def test_no_import_cycle_between_apps():
    graph: dict[str, set[str]] = {}
    for e in edges():
        graph.setdefault(e.source, set()).add(e.target)
    assert cycles(graph) == []


def test_every_import_goes_down_the_layering():
    rank = {app: i for i, app in enumerate(LAYERS)}
    upward = [f"{e.source} -> {e.target} ({e.where})" for e in edges() if rank[e.target] >= rank[e.source]]
    assert upward == [], "imports against the layering " + " < ".join(LAYERS)


def test_cross_app_imports_inside_functions_say_why():
    silent = [e.where for e in edges() if e.in_function and not e.commented]
    assert silent == [], (
        "move these imports to the top of the module, or say on their line why they cannot be"
    )


def test_no_dynamic_imports_between_apps():
    assert [e.where for e in edges() if e.dynamic] == []


def tthc_tables() -> set[str]:
    tables = set()
    for model in django_apps.get_app_config("tthc").get_models(include_auto_created=True):
        tables.add(model._meta.db_table)
    return tables


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


@cache
def sql_naming_tthc_tables() -> dict[str, set[str]]:
    """Modules outside tthc whose string literals (docstrings aside) name a tthc table."""
    pattern = re.compile(
        r"\b(" + "|".join(sorted(map(re.escape, tthc_tables()), key=len, reverse=True)) + r")\b"
    )
    found: dict[str, set[str]] = {}
    for app in app_names():
        if app == "tthc":
            continue
        for path in modules(app):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            skip = _docstrings(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                    for match in pattern.findall(node.value):
                        found.setdefault(str(path.relative_to(ROOT)), set()).add(match)
    return found


def test_the_table_pattern_sees_what_it_should():
    assert {"tthc_dossier", "tthc_dossierevent", "tthc_agency"} <= tthc_tables()
    assert "tthc_platform" not in tthc_tables()  # the Celery app's name is not a table


def test_only_tthc_names_its_tables_in_sql():
    offenders = {path: names for path, names in sql_naming_tthc_tables().items()}
    assert offenders == {}, "write through tthc's services (its dossier store) instead"


def test_the_checks_catch_what_they_look_for(tmp_path):
    """The cycle finder and the table pattern work on a made-up case (so a green run means something)."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}})
    assert cycles({"a": {"b"}, "b": set()}) == []
    tree = ast.parse(
        '"""Writes tthc_dossier."""\nSQL = "UPDATE tthc_dossier SET x = 1"\nNAME = "_tthc_gate_cache"\n'
    )
    pattern = re.compile(r"\b(tthc_dossier)\b")
    literals = [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in _docstrings(tree)
    ]
    assert [v for v in literals if pattern.search(v)] == ["UPDATE tthc_dossier SET x = 1"]
