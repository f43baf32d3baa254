"""The README's keys table is generated from the bindings: this fails when they drift apart
(fix: `python -m qc_console.cli.readme`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc_console.services.facade import ServiceBackend
from qc_console.tui.app import QCConsoleApp
from qc_console.tui.keyhelp import KeyEntry
from qc_console.tui.readme import current_block, generate, keys_markdown, replace_block
from tests.tui.factory import Queue

README = Path(__file__).resolve().parents[2] / "README.md"


def _app(actor: str, keymap_file: Path) -> QCConsoleApp:
    return QCConsoleApp(ServiceBackend(actor), keymap_path=keymap_file, poll_seconds=0)


async def test_readme_keys_table_matches_the_bindings(queue: Queue, keymap_file: Path) -> None:
    table = await generate(_app("ann", keymap_file), _app("sue", keymap_file))
    assert "| `q` | Qualify |" in table  # a rep's disposition key
    assert "**Supervisor**" in table and "Rebalance" in table  # sue's screen
    assert current_block(README.read_text(encoding="utf-8")) == table, (
        "README.md's keys table differs from the bindings: run `python -m qc_console.cli.readme`"
    )


async def test_a_rebound_key_changes_the_table(queue: Queue, tmp_path: Path) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keymap]\n"queue.qualify" = "Q"\n', encoding="utf-8")
    table = await generate(_app("ann", keymap), _app("sue", keymap))
    assert "| `Q` | Qualify |" in table and "| `q` | Qualify |" not in table


def test_keys_table_escapes_pipes_and_spells_keys_out() -> None:
    entry = KeyEntry("^x", "Cut | paste", "a|b", "cut", True, "App", "app.cut")
    table = keys_markdown([("Queue", [entry])])
    assert "| `ctrl+x` | Cut \\| paste | a\\|b |" in table


def test_replace_block_keeps_the_rest_of_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    again = replace_block(readme, current_block(readme))
    assert again == readme
    with pytest.raises(ValueError, match="keys:start"):
        replace_block("# no markers\n", "x")
