"""Opening the console (the UI is imported here only, so other commands stay headless)."""

from __future__ import annotations

from pathlib import Path

import click

from qc_console.cli._common import Env, fail, friendly, pass_env

FIRST_RUN = """qc-console: no rep is set, so there is no queue to open yet.

  Try it:           qc-console demo          (a demo database of its own, as the rep `demo`)
  Start for real:   qc-console init
                    qc-console rep add NAME --role rep     (rep | supervisor | sales)
                    qc-console --rep NAME                  (or QC_REP=NAME, or rep = "NAME"
                                                            in the file `qc-console config` names)
  Get leads in:     qc-console --rep NAME import FILE.csv  (CRM, marketing and event exports)"""


def open_console(env: Env, *, keymap_path: Path | None = None) -> None:
    """Open the full-screen queue as the acting rep (keys from the settings' [keymap] and
    the keymap file; a bad entry is reported in the console, which still starts)."""
    if not env.rep and not env.db_url.startswith(("postgresql://", "postgres://")):
        click.echo(FIRST_RUN, err=True)
        raise SystemExit(2)
    backend = env.backend()
    try:
        from qc_console.tui.app import QCConsoleApp
    except ImportError as exc:  # pragma: no cover - the UI ships with the package
        fail(f"the console UI is not available: {exc}")
    settings = env.settings
    app = QCConsoleApp(
        backend=backend,
        keymap_path=keymap_path,
        keymap=settings.keymap,
        theme=settings.theme,
        save_theme=_save_theme,
    )
    app.run()
    raise SystemExit(app.return_code or 0)


def _save_theme(name: str) -> None:
    from qc_console.config import save_setting

    save_setting("theme", name)


@click.command("run")
@click.option(
    "--keymap",
    "keymap_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Key overrides (TOML, a [keymap] table; default: keymap.toml in the config dir).",
)
@pass_env
@friendly
def run_cmd(env: Env, keymap_path: Path | None) -> None:
    """Open the console (the default when no command is given)."""
    open_console(env, keymap_path=keymap_path)


COMMANDS = [run_cmd]
