"""Regenerate the README's keys table and screenshots from a demo console.

`python -m qc_console.cli.readme` (from the project root) rewrites the block between the
`keys:start` / `keys:end` markers of README.md and the SVG screenshots in docs/; `--check` only
says whether the table still matches the bindings (tests/tui/test_readme_keys.py does the same).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qc_console.db.database import db
from qc_console.domain.codes import Role
from qc_console.services.facade import open_backend
from qc_console.services.seed import seed_demo
from qc_console.tui.app import QCConsoleApp
from qc_console.tui.readme import current_block, generate, replace_block


def _demo_apps(tmp: Path) -> tuple[Any, Any]:
    """A rep's and a supervisor's console over a fresh demo database in `tmp`."""
    backend = open_backend(f"sqlite:///{tmp / 'readme.sqlite'}", "demo")
    with db.connection_context():
        seed_demo(leads=1500)
    boss = backend.reps(Role.SUPERVISOR)[0].name
    keymap = tmp / "keymap.toml"
    keymap.write_text("[keymap]\n", encoding="utf-8")
    rep_app = QCConsoleApp(backend, keymap_path=keymap, poll_seconds=0)
    sup_backend = open_backend(f"sqlite:///{tmp / 'readme.sqlite'}", boss)
    sup_app = QCConsoleApp(sup_backend, keymap_path=keymap, poll_seconds=0)
    return rep_app, sup_app


async def _generate(shots: Path | None) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        return await generate(*_demo_apps(Path(tmp)), shots)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qc_console.cli.readme", description=__doc__)
    parser.add_argument("--readme", type=Path, default=Path("README.md"))
    parser.add_argument("--shots", type=Path, default=Path("docs"))
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    if args.check:
        block = asyncio.run(_generate(None))
        if current_block(text) != block:
            print(f"{args.readme}: the keys table differs from the bindings", file=sys.stderr)
            return 1
        return 0
    args.shots.mkdir(parents=True, exist_ok=True)
    block = asyncio.run(_generate(args.shots))
    args.readme.write_text(replace_block(text, block), encoding="utf-8")
    print(f"wrote the keys table to {args.readme} and screenshots to {args.shots}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
