"""Bad input everywhere (hypothesis): whatever a person types — command lines, filter
expressions, dates, settings and keymap files — the answer is a clear message, never a
traceback, and a command that fails writes nothing."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qc_console.cli import cli
from qc_console.config import Settings
from qc_console.domain.errors import BadInput
from qc_console.domain.filters import FLAGS, KEYS, format_filter, parse_filter
from qc_console.domain.when import local_to_utc, parse_when, utc_to_local
from qc_console.tui.keymap import check_keymap, load_keymap, valid_key

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples every run: a failure here is never a fluke
)

# Text a person could type: any character a terminal can send except NUL (argv cannot hold
# it) and lone surrogates (see test_undecodable_argv_is_refused_in_one_line).
typed = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=24
)
ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "America/St_Johns"]


@contextmanager
def local_zone(name: str) -> Iterator[None]:
    """Run with the process's local time zone set to `name`."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


# --- filter expressions ------------------------------------------------------------------

VALUES = ["raw", "Qualified", "handed-off", "high", "trade_show", "ann", "*", "yes", "no",
          "today", "overdue", "due", "new", "all", "1,2", "3-1", "10-20", "0", "9" * 30,
          '"acme corp"', "'", '"', "\\", ",", ",,", "=", "", " "]  # fmt: skip
term = st.one_of(
    st.tuples(
        st.sampled_from([*KEYS, *FLAGS, "STAGE", "bogus", ""]),
        st.sampled_from(["=", ""]),
        st.one_of(st.sampled_from(VALUES), typed),
    ).map("".join),  # fmt: skip
    typed,
)
expressions = st.one_of(typed, st.lists(term, max_size=6).map(" ".join))


@FUZZ
@given(expressions)
def test_a_filter_expression_parses_or_says_why(text: str) -> None:
    try:
        f = parse_filter(text)
    except BadInput as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert parse_filter(format_filter(f)) == f


# --- date prompts ------------------------------------------------------------------------

dates = st.one_of(
    typed,
    st.tuples(
        st.sampled_from(["", "+", "-", " "]),
        st.integers(0, 99999).map(str),
        st.sampled_from(["d", "w", "m", "h", "y", " d", ""]),
    ).map("".join),  # fmt: skip
    st.sampled_from(
        [
            "today",
            "TOMORROW",
            "tmr",
            "mo",
            "m",
            "sunday",
            "sun.",
            "0001-01-01",
            "9999-12-31",
            "9999-12-31 23:59",
            "2026-02-30",
            "2026-13-01",
            "12/31",
            "2/29",
            "0/0",
            "2026-12-01T25:00",
            "2026-12-01 14:30",
        ]
    ),  # fmt: skip
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M")
    ),
)


@FUZZ
@given(dates, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       st.sampled_from(ZONES))  # fmt: skip
def test_a_date_prompt_gives_a_storable_time_or_says_why(text: str, today: date, zone: str) -> None:
    """What the CLI and the dialogs do with a typed date: parse it, store it as UTC, show it
    again in local time — in any time zone."""
    with local_zone(zone):
        try:
            when = parse_when(text, today=today)
        except BadInput as exc:
            assert str(exc) and "\n" not in str(exc)
            return
        assert utc_to_local(local_to_utc(when)) == when


# --- command lines -----------------------------------------------------------------------

PEOPLE = [("ann", "rep"), ("bob", "rep"), ("sue", "supervisor"), ("sam", "sales")]
NOT_HEADLESS = {"run", "demo", "serve"}
"""Commands that open the full-screen console or serve it: not for a CliRunner."""


def leaf_commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, cmd in sorted(group.commands.items()):
        if name in NOT_HEADLESS:
            continue
        if isinstance(cmd, click.Group):
            yield from leaf_commands(cmd, (*path, name))
        else:
            yield (*path, name), cmd


@pytest.fixture
def center(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A small center in a temp SQLite file; the working directory is a temp dir too (backup
    and export write files there)."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    db = tmp_path / "qc.sqlite"
    url = f"sqlite:///{db}"
    env = {
        "QC_DATABASE_URL": None,
        "QC_REP": None,
        "QC_CONFIG": str(tmp_path / "absent.toml"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    good_csv = tmp_path / "leads.csv"
    good_csv.write_text("Email,Company\nnew1@example.com,Acme\nnot-an-email,Bad\n")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    runner = CliRunner()

    def qc(*args: str) -> Result:
        return runner.invoke(cli, ["--db", url, *args], env=env)

    for args in (["init"], *(["rep", "add", n, "--role", r] for n, r in PEOPLE)):
        assert qc(*args).exit_code == 0
    for i in range(6):
        add = ["--rep", "ann", "add", "--first", f"P{i}", "--last", "L", "--company", "Co"]
        assert qc(*add, "--email", f"p{i}@example.com", "--stage", "raw").exit_code == 0
    files = [str(good_csv), str(junk), str(tmp_path), str(tmp_path / "missing.csv"),
             "out.csv", "backup.sqlite", "sub/dir/out.jsonl", ""]  # fmt: skip
    urls = [url, url, url, "nonsense", "mysql://x@y/z", f"sqlite:///{tmp_path}",
            "postgresql://nobody@127.0.0.1:1/none"]  # fmt: skip
    return {"db": db, "url": url, "env": env, "runner": runner, "files": files, "urls": urls}


TEXT_VALUES: dict[str, list[str]] = {
    "ids_text": ["1", "2", "1,2,3", "2-5", "1-6", "0", "7", "99", "3-1", "1,,2", "1-99999999"],
    "filter_text": ["stage=raw", "owner=*", "owner=ann pool=no", 'text="p1"', "overdue",
                    "stage=nope", "rating=", "ids=1-3", "view=new due=today", "'", ""],
    "when": ["+3d", "tomorrow", "mon", "2026-12-01", "2026-12-01 14:30", "0001-01-01",
             "9999-12-31 23:59", "yesterday", "+9999m", "", "2020-01-01"],
    "person": ["ann", "bob", "sue", "sam", "pool", "ANN", "nobody", "", " "],
    "word": ["why", "", " ", "[bold]x[/]", "=cmd|' /C calc'!A0", "ünïcødé", "a" * 300],
}  # fmt: skip
KIND = {"ids_text": "ids_text", "filter_text": "filter_text", "due": "when", "until": "when",
        "start": "when", "end": "when", "to": "person", "owner": "person", "name": "person",
        "_rep": "person"}  # fmt: skip
NUMBERS = ["0", "1", "-1", "2", "3", "50", "1e3", "nan", "inf", "100000000000000000000"]


def values_for(param: click.Parameter, files: list[str], urls: list[str]) -> st.SearchStrategy[str]:
    """Values that make sense for the parameter, and now and then anything at all."""
    t = param.type
    good: st.SearchStrategy[str]
    if param.name == "_db":
        good = st.sampled_from(urls)
    elif isinstance(t, click.Choice):
        choices = st.sampled_from([str(c) for c in t.choices])
        good = st.one_of(choices, choices.map(str.upper))
    elif isinstance(t, click.types._NumberParamTypeBase):
        good = st.one_of(st.sampled_from(NUMBERS), st.integers(-10, 5000).map(str))
    elif isinstance(t, click.Path | click.File):
        good = st.sampled_from(files)
    else:
        good = st.sampled_from(TEXT_VALUES[KIND.get(param.name or "", "word")])
    return st.integers(0, 7).flatmap(lambda n: typed if n == 0 else good)


@st.composite
def command_lines(draw: st.DrawFn, center: dict[str, Any]) -> list[str]:
    """A real command with its required options (and some optional ones), mostly sensible
    values, now and then junk."""
    files, urls = center["files"], center["urls"]
    path, cmd = draw(st.sampled_from(list(leaf_commands(cli))))
    argv: list[str] = []
    if draw(st.integers(0, 3)) == 0:
        argv += ["--db", draw(st.sampled_from(urls))]
    if draw(st.integers(0, 5)):
        argv += ["--rep", draw(st.sampled_from(["ann", "sue", "sam", *TEXT_VALUES["person"]]))]
    argv += list(path)
    params = [p for p in cmd.params if p.name != "help"]
    optional = [p for p in params if isinstance(p, click.Option) and not p.required]
    chosen = [p for p in params if p.required]
    if {"ids_text", "filter_text"} <= {p.name for p in params}:
        which = draw(st.sampled_from(["ids_text", "ids_text", "filter_text"]))
        chosen += [p for p in params if p.name == which]
    if optional:
        chosen += draw(st.lists(st.sampled_from(optional), max_size=3))
    for p in draw(st.permutations(chosen)):
        if isinstance(p, click.Option):
            argv.append(draw(st.sampled_from(p.opts)))
            if not p.is_flag:
                argv.append(draw(values_for(p, files, urls)))
        else:
            argv.append(draw(values_for(p, files, urls)))
    if draw(st.integers(0, 5)) == 0:
        junk = st.one_of(typed, st.sampled_from(["--nope", "-x", "--", "--help", "--ids", "1"]))
        argv.insert(draw(st.integers(len(path), len(argv))), draw(junk))
    return argv


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as con:
        return list(con.iterdump())


@settings(FUZZ, max_examples=400)
@given(data=st.data())
def test_any_command_line_answers_in_one_piece(center: dict[str, Any], data: st.DataObject) -> None:
    argv = data.draw(command_lines(center), label="argv")
    before = dump(center["db"])
    result = center["runner"].invoke(cli, ["--db", center["url"], *argv], env=center["env"])
    text = result.output
    event(f"exit {result.exit_code}")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1, 2), text
    assert "Traceback" not in text
    if result.exit_code != 0:
        assert dump(center["db"]) == before, f"a failing command wrote: {argv}"


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


def toml(value: Any) -> str:
    """A TOML inline value (enough of the format for the fuzzer)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(value), repr(value))
    if isinstance(value, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}"
                             for c in value) + '"'  # fmt: skip
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml(k)} = {toml(v)}" for k, v in value.items()) + "}"


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
    assert "Traceback" not in result.output


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
