"""Import hygiene: the UI never touches the ORM, the domain and importing stay pure.

An AST walk of every file (it needs no import of the code and sees imports inside functions
and `TYPE_CHECKING` blocks too), plus import-linter's contracts from pyproject.toml.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "qc_console"
ORM = ("peewee", "playhouse", "qc_console.db")
UI = ("textual", "rich")


def _module_of(path: Path, root: Path) -> list[str]:
    """The dotted package of `path` (relative to the directory holding the top package)."""
    return list(path.relative_to(root).with_suffix("").parts)


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file; relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_of(path, root)
    package = here if path.name == "__init__.py" else here[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            found.append((node.lineno, stem))
            found.extend((node.lineno, f"{stem}.{alias.name}") for alias in node.names)
    return found


def violations(directory: Path, forbidden: tuple[str, ...], root: Path | None = None) -> list[str]:
    """`file:line imports module` for every import of a forbidden module (or a submodule) in
    any .py file under `directory`; [] when the directory is missing or empty."""
    root = root or directory.parent.parent
    out: list[str] = []
    for path in sorted(directory.rglob("*.py")) if directory.is_dir() else []:
        for line, module in imported_modules(path, root):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(root)}:{line} imports {module}")
    return sorted(set(out))


def test_the_ui_never_imports_the_orm() -> None:
    assert violations(PACKAGE / "tui", ORM, ROOT) == []


@pytest.mark.parametrize("layer", ["domain", "importing"])
def test_domain_and_importing_are_pure(layer: str) -> None:
    assert violations(PACKAGE / layer, ("peewee", "playhouse", *UI), ROOT) == []


def test_the_checker_finds_every_kind_of_violation(tmp_path: Path) -> None:
    tui = tmp_path / "qc_console" / "tui"
    (tui / "screens").mkdir(parents=True)
    (tui / "clean.py").write_text("import textual\nfrom qc_console.services import facade\n")
    (tui / "screens" / "bad.py").write_text(
        "from __future__ import annotations\n"
        "import peewee\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from playhouse.shortcuts import model_to_dict\n"
        "def later():\n"
        "    from qc_console.db.models import Lead\n"
        "from ...db import database\n"
        "from ... import db\n"
        "import peewee_helpers, qc_console.dbx\n"  # look-alikes are fine
    )
    assert violations(tui, ORM, tmp_path) == [
        "qc_console/tui/screens/bad.py:2 imports peewee",
        "qc_console/tui/screens/bad.py:5 imports playhouse.shortcuts",
        "qc_console/tui/screens/bad.py:5 imports playhouse.shortcuts.model_to_dict",
        "qc_console/tui/screens/bad.py:7 imports qc_console.db.models",
        "qc_console/tui/screens/bad.py:7 imports qc_console.db.models.Lead",
        "qc_console/tui/screens/bad.py:8 imports qc_console.db",
        "qc_console/tui/screens/bad.py:8 imports qc_console.db.database",
        "qc_console/tui/screens/bad.py:9 imports qc_console.db",
    ]
    assert violations(tmp_path / "missing", ORM, tmp_path) == []


LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
def test_import_linter_contracts_are_kept() -> None:
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
