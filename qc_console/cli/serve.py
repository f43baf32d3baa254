"""`qc-console serve`: the same console in a browser (textual-serve).

textual-serve starts one `qc-console run` process per browser session. That process gets the
database and rep this command resolved (flag > environment > config file) through `QC_DATABASE_URL`
and `QC_REP` in its environment, so every session opens the same queue as the acting rep, and a
database password never appears on a command line.
"""

from __future__ import annotations

import os
import shlex
import sys

import click

from qc_console.cli._common import Env, fail, friendly, pass_env

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def session_command(python: str = sys.executable) -> str:
    """The shell command each browser session runs (textual-serve runs it through a shell)."""
    return shlex.join([python, "-m", "qc_console", "run"])


def session_environment(env: Env) -> dict[str, str]:
    """The variables that make a session open `env`'s database as `env`'s rep."""
    values = {"QC_DATABASE_URL": env.db_url}
    if env.rep:
        values["QC_REP"] = env.rep
    return values


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--public-url",
    metavar="URL",
    help="The address browsers use, when it differs from http://HOST:PORT (e.g. behind a proxy).",
)
@pass_env
@friendly
def serve(env: Env, host: str, port: int, public_url: str | None) -> None:
    """Serve the console in a web browser (one console per browser tab).

    Listens on 127.0.0.1 unless --host says otherwise: anyone who can reach the address works
    as the acting rep, so do not expose it to a network you do not trust.
    """
    try:
        from textual_serve.server import Server
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        fail(f"browser mode needs the textual-serve package: {exc}")
    backend = env.backend()  # fail now, not in every browser session
    me = backend.whoami()
    session = session_environment(env)
    os.environ.update(session)
    if "QC_REP" not in session:
        os.environ.pop("QC_REP", None)
    url = public_url or f"http://{host}:{port}"
    server = Server(
        session_command(),
        host=host,
        port=port,
        title=f"qc-console: {me.name}",
        public_url=public_url,
    )
    if host not in LOOPBACK:
        click.echo(f"qc-console: warning: anyone who can reach {url} works as {me.name}", err=True)
    if host in ("0.0.0.0", "::") and public_url is None:
        click.echo(
            "qc-console: pass --public-url http://NAME:PORT for browsers elsewhere", err=True
        )
    click.echo(f"qc-console: serving the console for {me.name} at {url} (Ctrl+C to stop)")
    server.serve()


COMMANDS = [serve]
