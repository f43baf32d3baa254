"""A SIGKILL at any point of an import leaves no trace of the file, or the whole import; a
re-run then completes to exactly the counts and leads of one clean run."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.importing.gen import write_file

ROWS = 6_000
State = tuple[tuple[tuple[object, ...], ...], int, tuple[tuple[str, int], ...], int]


def run_cli(db: Path, *args: str, tmp: Path) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.pop("QC_DATABASE_URL", None)
    env.pop("QC_REP", None)
    env |= {"QC_CONFIG": str(tmp / "absent.toml"), "XDG_DATA_HOME": str(tmp / "data")}
    return subprocess.Popen(
        [sys.executable, "-m", "qc_console", "--db", f"sqlite:///{db}", "--rep", "ann", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def state(db: Path) -> State:
    """What an import changes, without the timestamps of the run."""
    with sqlite3.connect(db) as con:
        leads = tuple(con.execute(
            "SELECT email_key, phone_key, first_name, last_name, company, source, stage,"
            " touch_count, first_touch_at, last_touch_at, do_not_contact, version"
            " FROM lead ORDER BY email_key, phone_key"))  # fmt: skip
        touches = con.execute("SELECT COUNT(*) FROM touch").fetchone()[0]
        events = tuple(con.execute("SELECT kind, COUNT(*) FROM lead_event GROUP BY kind"))
        runs = con.execute("SELECT COUNT(*) FROM import_run").fetchone()[0]
    return leads, touches, events, runs


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A database with 1,500 leads, a 6,000-row file that overlaps them, and the state and
    summary one clean import of that file gives."""
    tmp = tmp_path_factory.mktemp("crash")
    base = tmp / "base.sqlite"
    seed_file = tmp / "seed.csv"
    write_file(seed_file, 1500, seed=1, dup=0, bad=0)
    big = tmp / "big.csv"
    write_file(big, ROWS, seed=2, start=750)  # half the first 1,500 people exist already
    proc = run_cli(base, "init", tmp=tmp)
    finish(proc)
    finish(run_cli(base, "rep", "add", "ann", "--role", "rep", tmp=tmp))
    finish(run_cli(base, "import", str(seed_file), tmp=tmp))
    with sqlite3.connect(base) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    clean = tmp / "clean.sqlite"
    shutil.copy(base, clean)
    summary = finish(run_cli(clean, "import", str(big), tmp=tmp))
    return {"tmp": tmp, "base": base, "big": big, "summary": summary, "done": state(clean),
            "before": state(base)}  # fmt: skip


def progress_lines(world: dict[str, object]) -> list[str]:
    """The progress lines one uninterrupted run prints (the kill points to choose from)."""
    tmp, base, big = Path(str(world["tmp"])), Path(str(world["base"])), Path(str(world["big"]))
    db = tmp / "count.sqlite"
    shutil.copy(base, db)
    proc = run_cli(db, "import", str(big), "--progress", tmp=tmp)
    _out, err = proc.communicate(timeout=120)
    return [line for line in err.splitlines() if line.startswith("progress:")]


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_gives_one_clean_runs_result(
    world: dict[str, object],
) -> None:
    tmp, base, big = Path(str(world["tmp"])), Path(str(world["base"])), Path(str(world["big"]))
    lines = progress_lines(world)
    writing = [i + 1 for i, line in enumerate(lines[:-1]) if "writing" in line]
    checking = [i + 1 for i, line in enumerate(lines) if "checking" in line]
    assert len(writing) >= 3 and checking  # both phases report, so kills land in both
    rnd = random.Random(20260304)
    # before anything, while checking, inside the write transaction, after the last step
    points = sorted({0, rnd.choice(checking), *rnd.sample(writing, 2), len(lines)})
    inside: list[str] = []
    for k in points:
        db = tmp / f"killed_{k}.sqlite"
        shutil.copy(base, db)
        proc = run_cli(db, "import", str(big), "--progress", tmp=tmp)
        seen = 0
        assert proc.stderr is not None
        while seen < k:
            line = proc.stderr.readline()
            if not line:
                break
            seen += line.startswith("progress:")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        after_kill = state(db)
        assert after_kill in (world["before"], world["done"]), f"half-written after line {k}"
        if k in writing:
            inside.append("rolled back" if after_kill == world["before"] else "committed")
        rerun = finish(run_cli(db, "import", str(big), tmp=tmp))
        if after_kill == world["before"]:
            assert rerun == world["summary"]
        else:
            assert "already imported" in rerun
        assert state(db) == world["done"]
    # a kill in the middle of the writes found a transaction to roll back
    assert "rolled back" in inside
