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


def lines_until_done(world: dict[str, object]) -> int:
    tmp, base, big = world["tmp"], world["base"], world["big"]
    db = Path(str(tmp)) / "count.sqlite"
    shutil.copy(Path(str(base)), db)
    proc = run_cli(db, "import", str(big), "--progress", tmp=Path(str(tmp)))
    _out, err = proc.communicate(timeout=120)
    return sum(1 for line in err.splitlines() if line.startswith("progress:"))


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_gives_one_clean_runs_result(
    world: dict[str, object],
) -> None:
    tmp, base, big = Path(str(world["tmp"])), Path(str(world["base"])), Path(str(world["big"]))
    total = lines_until_done(world)
    assert total >= 6  # checking and writing both report
    rnd = random.Random(20260304)
    points = sorted({0, total - 1, *rnd.sample(range(1, total - 1), 2)})
    outcomes = []
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
        outcomes.append("none" if after_kill == world["before"] else "all")
        rerun = finish(run_cli(db, "import", str(big), tmp=tmp))
        if after_kill == world["before"]:
            assert rerun == world["summary"]
        else:
            assert "already imported" in rerun
        assert state(db) == world["done"]
    assert "none" in outcomes  # the kills did land inside the import
