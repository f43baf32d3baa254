"""Headless Chromium driven over the Chrome DevTools protocol (CDP), with aiohttp's websocket.

No browser-automation package: aiohttp comes with textual-serve, and CDP is the protocol
Chromium itself speaks. Chromium picks its own debugging port (`--remote-debugging-port=0`) and
writes it to `DevToolsActivePort` in the profile dir, so there is no port to race for.

Reading the terminal: textual-serve's page draws the terminal with xterm.js on a canvas and keeps
the xterm `Terminal` in a closure. `TERMINAL_HOOK` runs before the page's scripts and catches
the object the moment the page stores it (`this.terminal = new Terminal(...)`); `screen_text()`
then reads the rows through xterm's public buffer API (`buffer.active.getLine(y)`).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import aiohttp

CHROMIUM = Path("/usr/bin/chromium")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--window-size=1280,800",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]

TERMINAL_HOOK = """
(() => {
  Object.defineProperty(Object.prototype, "terminal", {
    configurable: true,
    get() { return undefined; },
    set(value) {
      Object.defineProperty(this, "terminal", {
        value, writable: true, configurable: true, enumerable: true,
      });
      if (value && typeof value.write === "function" && value.buffer) {
        window.__qcTerminal = value;
      }
    },
  });
  window.__qcScreen = () => {
    const t = window.__qcTerminal;
    if (!t) return null;
    const b = t.buffer.active;
    const rows = [];
    for (let y = 0; y < t.rows; y++) {
      const line = b.getLine(b.viewportY + y);
      rows.push(line ? line.translateToString(true).trimEnd() : "");
    }
    return rows.join("\\n");
  };
})();
"""

T = TypeVar("T")


class BrowserError(Exception):
    """Chromium did not start, or a CDP command failed."""


async def poll(
    what: str, probe: Callable[[], Awaitable[T | None]], *, timeout: float, every: float = 0.1
) -> T:
    """`probe()` until it returns something other than None/False, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        got = await probe()
        if got is not None and got is not False:
            return got
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
        await asyncio.sleep(every)


def stop_group(proc: subprocess.Popen[bytes], *, grace: float = 5.0) -> None:
    """SIGTERM the process group `proc` leads (started with start_new_session), then SIGKILL."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:  # children (a server's sessions, Chromium's helpers) may outlive the leader
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if proc.poll() is None:
        proc.wait(timeout=grace)


class Page:
    """One browser tab over CDP: navigate, evaluate, type keys, screenshot."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self._ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            data = msg.json()
            future = self._pending.pop(data.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(data)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(BrowserError("the browser closed the connection"))

    async def send(self, method: str, timeout: float = 15.0, **params: Any) -> dict[str, Any]:
        msg_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = future
        await self._ws.send_json({"id": msg_id, "method": method, "params": params})
        reply = await asyncio.wait_for(future, timeout)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def screen_text(self) -> str | None:
        """The terminal's visible rows as text (None until the terminal exists)."""
        return await self.evaluate("window.__qcScreen && window.__qcScreen()")

    async def press(self, key: str) -> None:
        """Type one printable key into the focused element, as a keyboard would."""
        code = f"Key{key.upper()}" if key.isalpha() else ""
        common = {"key": key, "code": code, "windowsVirtualKeyCode": ord(key.upper())}
        await self.send("Input.dispatchKeyEvent", type="keyDown", text=key, **common)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **common)

    async def screenshot(self, path: Path) -> Path:
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    async def close(self) -> None:
        self._reader.cancel()
        await self._ws.close()


class Chromium:
    """A headless Chromium process with its own throwaway profile in `profile`."""

    def __init__(self, profile: Path, *, executable: Path = CHROMIUM) -> None:
        self.profile = profile
        self.executable = executable
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = profile.parent / "chromium.log"
        self._http: aiohttp.ClientSession | None = None

    async def start(self, *, timeout: float = 30.0) -> Page:
        """Start the browser and connect to its first tab (about:blank)."""
        self.profile.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [str(self.executable), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        port_file = self.profile / "DevToolsActivePort"

        async def port() -> int | None:
            if self.proc is not None and self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise BrowserError(f"chromium exited with {self.proc.returncode}:\n{tail}")
            lines = port_file.read_text().split() if port_file.exists() else []
            return int(lines[0]) if lines else None

        debug_port = await poll("Chromium's DevToolsActivePort", port, timeout=timeout)
        self._http = aiohttp.ClientSession()
        base = f"http://127.0.0.1:{debug_port}"

        async def first_tab() -> str | None:
            async with self._http.get(f"{base}/json/list") as response:  # type: ignore[union-attr]
                targets = await response.json()
            pages = [t for t in targets if t.get("type") == "page"]
            return pages[0]["webSocketDebuggerUrl"] if pages else None

        ws_url = await poll("Chromium's first tab", first_tab, timeout=timeout)
        ws = await self._http.ws_connect(ws_url, max_msg_size=0)
        return Page(ws)

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self.proc is not None:
            stop_group(self.proc)
