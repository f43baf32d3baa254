"""A first run with nothing configured explains what to do instead of failing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qc_console.cli import cli


def test_bare_command_without_a_rep_says_how_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("QC_REP", "QC_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("QC_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 2
    for hint in ("qc-console demo", "qc-console init", "rep add", "import"):
        assert hint in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "data").exists()  # nothing was created
