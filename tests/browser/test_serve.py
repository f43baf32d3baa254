"""`qc-console serve` for real: a server process, headless Chromium, keys typed into the page,
and the database checked through the services.

Skipped where /usr/bin/chromium is missing, unless QC_REQUIRE_BROWSER=1 (CI), which makes a
missing browser a failure. Screenshots and the terminal's text are kept in
tests/browser/artifacts/ (git-ignored by the .gitignore the test writes there).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from qc_console.cli import cli
from qc_console.cli.serve import session_command
from qc_console.db.database import close_database, db
from qc_console.domain.codes import Source
from qc_console.domain.stages import Rating, Stage
from qc_console.domain.values import NewLead, QueueFilter
from qc_console.services import leads, reps
from qc_console.services._rows import utcnow
from qc_console.services.facade import open_backend
from tests.browser.cdp import CHROMIUM, TERMINAL_HOOK, Chromium, Page, poll, stop_group

ARTIFACTS = Path(__file__).parent / "artifacts"
REQUIRED = os.environ.get("QC_REQUIRE_BROWSER") == "1"
DEADLINE = 120.0
"""The whole browser scenario, start to finish (seconds)."""

SERVER = "Quinn Serverton"
"""The raw lead at the top of ann's queue: the one the test qualifies from the browser."""


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    if REQUIRED:
        pytest.fail(f"QC_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _isolated_env(tmp_path: Path) -> dict[str, str]:
    """The environment of the server: no QC_* settings and no user config from outside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QC_")}
    env["QC_CONFIG"] = str(tmp_path / "no-config.toml")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return env


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A SQLite database with ann's queue: an overdue raw lead on top, qualified ones below."""
    _need_chromium()  # before the seeding: a skip should cost nothing
    url = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    open_backend(url, "nobody")
    db.connect(reuse_if_open=True)
    for name, role in [("ann", "rep"), ("sam", "sales")]:
        reps.add_rep(name, role)
    now = utcnow()
    top = (
        leads.create_lead(
            NewLead(
                first_name="Quinn",
                last_name="Serverton",
                email="quinn@example.com",
                company="Browser Works",
                source=Source.WEB_DOWNLOAD,
            ),
            actor="ann",
            now=now - timedelta(hours=3),  # the speed-to-lead clock ran out: top of the queue
        )
        .leads[0]
        .id
    )
    for i, rating in enumerate([Rating.LOW, Rating.MEDIUM]):
        leads.create_lead(
            NewLead(
                first_name=f"Other{i}",
                last_name="Lead",
                email=f"other{i}@example.com",
                stage=Stage.QUALIFIED,
                rating=rating,
            ),
            actor="ann",
            now=now,
        )
    ann = open_backend(url, "ann")
    first = ann.queue_page(QueueFilter(), limit=1).rows[0]
    assert (first.id, first.stage) == (top, Stage.RAW)  # the precondition the keys rely on
    close_database()
    yield url, top
    close_database()


def _wait_http(url: str, server: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    async def up() -> bool:
        if server.poll() is not None:
            raise AssertionError(f"serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError):
            return False

    asyncio.run(poll(f"the server at {url}", up, timeout=timeout))


async def _drive(page: Page, url: str, lead_id: int, db_url: str, shots: Path) -> None:
    await page.send("Page.enable")
    await page.send("Runtime.enable")
    await page.send("Page.addScriptToEvaluateOnNewDocument", source=TERMINAL_HOOK)
    await page.send("Page.navigate", url=url)

    async def text_with(*needles: str) -> str | None:
        text = await page.screen_text()
        return text if text and all(n in text for n in needles) else None

    try:
        await poll("the terminal to exist", page.screen_text, timeout=30)
    except TimeoutError:
        raise AssertionError(
            "no xterm Terminal caught: did textual-serve's textual.js change?"
        ) from None
    try:
        await poll(f"the queue with {SERVER}", lambda: text_with(SERVER, "ann"), timeout=45)
    finally:
        (shots / "queue.txt").write_text((await page.screen_text()) or "", encoding="utf-8")
        await page.screenshot(shots / "queue.png")

    await page.evaluate("window.__qcTerminal.focus()")
    await page.press("q")
    await poll("the rating dialog", lambda: text_with(f"Qualify #{lead_id} {SERVER}"), timeout=15)
    await page.screenshot(shots / "rating.png")
    await page.press("h")

    ann = open_backend(db_url, "ann")

    async def qualified() -> bool:
        lead = (await asyncio.to_thread(ann.lead_detail, lead_id)).lead
        return (lead.stage, lead.rating) == (Stage.QUALIFIED, Rating.HIGH)

    await poll(f"lead #{lead_id} to be qualified high in the database", qualified, timeout=15)
    await poll(
        f"{SERVER}'s row to say qualified/high", lambda: _row(page, "qualified/high"), timeout=15
    )
    await page.screenshot(shots / "qualified.png")
    (shots / "qualified.txt").write_text((await page.screen_text()) or "", encoding="utf-8")


async def _row(page: Page, needle: str) -> str | None:
    """The screen row of the lead the test works on, once it shows `needle`."""
    text = await page.screen_text()
    rows = [row for row in (text or "").splitlines() if SERVER in row and needle in row]
    return rows[0] if rows and "Qualify #" not in text else None


async def _run_browser(tmp_path: Path, url: str, lead_id: int, db_url: str, shots: Path) -> None:
    browser = Chromium(tmp_path / "profile")
    try:
        page = await browser.start()
        try:
            await _drive(page, url, lead_id, db_url, shots)
        finally:
            await page.close()
    finally:
        await browser.stop()


def test_qualify_a_lead_from_the_browser(seeded: tuple[str, int], tmp_path: Path) -> None:
    db_url, lead_id = seeded
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n", encoding="utf-8")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "qc_console", "--db", db_url, "--rep", "ann"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "serve", "--port", str(port)],
            env=_isolated_env(tmp_path),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_http(url, server, log, timeout=30)
        asyncio.run(
            asyncio.wait_for(_run_browser(tmp_path, url, lead_id, db_url, ARTIFACTS), DEADLINE)
        )
    finally:
        stop_group(server)
        (ARTIFACTS / "serve.log").write_bytes(log.read_bytes())

    detail = open_backend(db_url, "ann").lead_detail(lead_id)
    assert (detail.lead.stage, detail.lead.rating) == (Stage.QUALIFIED, Rating.HIGH)
    newest = detail.events[0]  # newest first
    assert (newest.actor, newest.from_stage, newest.to_stage) == ("ann", "raw", "qualified")
    assert len(detail.events) == 2, [e.kind for e in detail.events]  # created, then qualified
    assert f"serving the console for ann at {url.rstrip('/')}" in log.read_text()
    assert (ARTIFACTS / "queue.png").read_bytes().startswith(b"\x89PNG")


def test_serve_refuses_an_unknown_rep(tmp_path: Path) -> None:
    """A wrong --rep fails at once, not in every browser session."""
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    result = CliRunner().invoke(
        cli,
        ["--db", url, "--rep", "nobody", "serve", "--port", "1"],
        env={"QC_REP": None, "QC_CONFIG": str(tmp_path / "no-config.toml")},
    )
    assert result.exit_code == 1
    assert "no rep named 'nobody'" in result.output


def test_session_command_survives_odd_paths() -> None:
    """The per-session command is a shell line: a Python path with spaces stays one word."""
    assert session_command("/opt/my python/bin/python") == (
        "'/opt/my python/bin/python' -m qc_console run"
    )
