"""Bad command lines (hypothesis): any mix of real commands, options, sensible values and junk
answers with exit 0, 1 or 2 and at most one line of complaint, never a traceback, and a
command that fails writes nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import event, given, settings
from hypothesis import strategies as st

from qc_console.cli import cli
from tests.robustness.fuzzing import FUZZ, typed

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
    files = [str(good_csv), str(junk), str(tmp_path), str(tmp_path / "missing.csv"), "out.csv",
             "backup.sqlite", "sub/dir/out.jsonl", "", str(good_csv / "x.out")]  # fmt: skip
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


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the analytics caches (reports refresh those from the
    events as they read; they hold nothing a person entered)."""
    with sqlite3.connect(path) as con:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
            for t in tables
            if not t.startswith("analytics_")
        }


@settings(FUZZ, max_examples=250)
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


def test_undecodable_argv_is_refused_in_one_line(center: dict[str, Any]) -> None:
    """A terminal that is not UTF-8 sends bytes Python can only keep as lone surrogates; the
    database drivers cannot store them. The user gets one line, and nothing is written."""
    before = dump(center["db"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("QC_")}
    env["QC_CONFIG"] = center["env"]["QC_CONFIG"]
    base = [sys.executable.encode(), b"-m", b"qc_console", b"--db", center["url"].encode()]
    for args in (
        [b"--rep", b"ann", b"queue", b"--filter", b"text=caf\xe9"],
        [
            b"--rep",
            b"ann",
            b"add",
            b"--first",
            b"Jos\xe9",
            b"--last",
            b"X",
            b"--company",
            b"C",
            b"--email",
            b"jose@example.com",
        ],  # fmt: skip
        [
            b"--rep",
            b"ann",
            b"act",
            b"touch",
            b"--ids",
            b"1",
            b"--channel",
            b"call",
            b"--outcome",
            b"connected",
            b"--note",
            b"\xff",
        ],  # fmt: skip
    ):
        done = subprocess.run([*base, *args], capture_output=True, env=env, timeout=60)
        err = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 2 and "Traceback" not in err, err
        assert len(err.splitlines()) == 1 and err.startswith("qc-console: "), err
    assert dump(center["db"]) == before
