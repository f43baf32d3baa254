"""Opening the console (the UI is imported here only, so other commands stay headless)."""

from __future__ import annotations

import click

from qc_console.cli._common import Env, fail, friendly, pass_env


def open_console(env: Env) -> None:
    """Open the full-screen queue as the acting rep."""
    backend = env.backend()
    try:
        from qc_console.tui.app import QCConsoleApp
    except ImportError as exc:  # pragma: no cover - the UI ships with the package
        fail(f"the console UI is not available: {exc}")
    app = QCConsoleApp(backend=backend)
    app.run()
    raise SystemExit(app.return_code or 0)


@click.command("run")
@pass_env
@friendly
def run_cmd(env: Env) -> None:
    """Open the console (the default when no command is given)."""
    open_console(env)


COMMANDS = [run_cmd]
