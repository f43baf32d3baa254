"""Bad settings and keymaps (hypothesis): a settings file or variable is used or refused in
one line naming the file or variable and the key; a keymap entry applies or is named in a
message, and the console starts whatever the keymap says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qc_console.cli import cli
from qc_console.config import Settings
from qc_console.services.facade import ServiceBackend
from qc_console.tui.app import QCConsoleApp
from qc_console.tui.keymap import check_keymap, load_keymap, valid_key
from qc_console.tui.screens.help import HelpScreen
from tests.robustness.fuzzing import FUZZ, toml, typed

# --- settings files ----------------------------------------------------------------------

scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    typed,
    st.sampled_from(["sqlite:///x.sqlite", "postgresql://a@b/c", "textual-light", "1"]),
)
toml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["a", "queue.qualify", "app.quit", "x y"]), inner, max_size=3
        ),
    ),  # fmt: skip
    max_leaves=6,
)
keys = st.one_of(st.sampled_from(sorted(Settings.model_fields)), st.sampled_from(["bogus"]))


config_files = st.one_of(
    st.dictionaries(keys, toml_values, max_size=4).map(
        lambda d: "".join(f"{k} = {toml(v)}\n" for k, v in d.items()).encode()
    ),
    st.binary(max_size=60),
    typed.map(str.encode),
)


@settings(FUZZ, max_examples=150)
@given(content=config_files)
def test_a_settings_file_is_used_or_named_with_its_key(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    env = {"QC_CONFIG": str(path), "QC_DATABASE_URL": None, "QC_REP": None}
    result = CliRunner().invoke(cli, ["config"], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 0:
        assert f"# config file: {path}" in result.output
        return
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qc-console: "), result.stderr
    assert str(path) in lines[0]
    if "not valid TOML" not in lines[0]:
        key = re.search(r"setting '([^']*)'", lines[0])
        assert key is not None and key.group(1).encode() in content, lines[0]


ENV_VALUES = ["", " ", "0", "-1", "7", "99999", "abc", "[]", "[1, 24]", "[24, 1]", "[1,", "{",
              '{"queue.qualify": "Q"}', '{"queue.qualify": 1}', "null", "1.5", "sqlite:///x",
              "true"]  # fmt: skip


@settings(FUZZ, max_examples=80)
@given(
    st.dictionaries(
        st.sampled_from(sorted(Settings.model_fields)),
        st.one_of(st.sampled_from(ENV_VALUES), typed),
        min_size=1,
        max_size=3,
    )
)
def test_a_settings_variable_is_used_or_named(tmp_path: Path, values: dict[str, str]) -> None:
    env: dict[str, str | None] = {f"QC_{k.upper()}": v for k, v in values.items()}
    env.setdefault("QC_DATABASE_URL", None)
    env.setdefault("QC_REP", None)
    env["QC_CONFIG"] = str(tmp_path / "absent.toml")
    result = CliRunner().invoke(cli, ["config"], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 0:
        return
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qc-console: "), result.stderr
    assert any(f"QC_{k.upper()}" in lines[0] for k in values), lines[0]


def test_a_settings_path_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    env = {"QC_CONFIG": str(tmp_path), "QC_DATABASE_URL": None, "QC_REP": None}
    result = CliRunner().invoke(cli, ["config"], env=env)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert result.stderr.startswith(f"qc-console: {tmp_path}") and result.stderr.count("\n") == 1


# --- keymaps -----------------------------------------------------------------------------

BINDING_IDS = ["app.quit", "app.help", "queue.qualify", "queue.purge"]
key_texts = st.one_of(
    typed,
    st.lists(
        st.one_of(
            st.sampled_from(["ctrl", "shift", "alt", "meta", "hyper", "cmd", ""]),
            st.sampled_from(
                [
                    "q",
                    "Q",
                    "?",
                    "f5",
                    "f99",
                    "space",
                    "comma",
                    "enter",
                    "question_mark",
                    "LATIN SMALL LETTER A",
                    "ä",
                    "",
                    " ",
                ]
            ),
        ),  # fmt: skip
        min_size=1,
        max_size=3,
    ).map("+".join),  # fmt: skip
)
entries = st.dictionaries(
    st.one_of(st.sampled_from(BINDING_IDS), typed),
    st.one_of(
        key_texts,
        st.lists(key_texts, max_size=3).map(",".join),
        st.integers(),
        st.none(),
        st.lists(st.integers(), max_size=2),
    ),
    max_size=4,
)


@settings(FUZZ, max_examples=200)
@given(entries)
def test_a_keymap_entry_applies_or_is_named_in_a_message(table: dict[Any, Any]) -> None:
    found = check_keymap(table, BINDING_IDS, "settings [keymap]")
    refused = [k for k in table if k not in found.keymap]
    assert len(found.problems) == len(refused)
    for binding_id, problem in zip(refused, found.problems, strict=True):
        assert problem.startswith(f"settings [keymap]: {binding_id!r}: ") and "\n" not in problem
    for binding_id, keys in found.keymap.items():
        assert binding_id in BINDING_IDS and all(valid_key(k) for k in keys.split(","))


keymap_files = st.one_of(
    st.binary(max_size=80),
    entries.map(
        lambda d: (
            "[keymap]\n"
            + "".join(
                f"{toml(str(k))} = {toml(v) if v is not None else 'nothing'}\n"
                for k, v in d.items()
            )
        )
    ).map(str.encode),
    st.sampled_from([b"keymap = 3\n", b"keymap = [1]\n", b"[keymap.queue]\nqualify = 'Q'\n"]),
)


@settings(FUZZ, max_examples=150)
@given(content=keymap_files)
def test_a_keymap_file_never_stops_the_console(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "keymap.toml"
    path.write_bytes(content)
    found = load_keymap(path, BINDING_IDS)
    for problem in found.problems:
        assert str(path) in problem
    for binding_id in found.keymap:
        assert binding_id in BINDING_IDS


async def test_odd_but_valid_keys_and_markup_in_entries_never_crash_the_console(
    people: str, tmp_path: Path
) -> None:
    """Keys the check lets through (Unicode names, stacked modifiers, several keys) bind, the
    help screen lists them, and entry names that look like markup are shown as typed."""
    path = tmp_path / "keymap.toml"
    path.write_text(
        '[keymap]\n"queue.qualify" = "LATIN SMALL LETTER A"\n'
        '"queue.purge" = "ctrl+shift+alt+x, comma"\n"[/x] [bold]" = "q"\n',
        encoding="utf-8",
    )
    settings_keymap = {"app.help": "f5,question_mark", "queue.qualify": "ä", "[red]": "[/]"}
    app = QCConsoleApp(
        ServiceBackend("ann"), keymap_path=path, keymap=settings_keymap, poll_seconds=0
    )
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("'[/x] [bold]'" in m and str(path) in m for m in messages), messages
        assert any("'[red]'" in m and "settings [keymap]" in m for m in messages), messages
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
