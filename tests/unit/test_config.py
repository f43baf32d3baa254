"""Settings: file + environment + flags, with clear errors naming the key and its source."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qc_console.cli import cli
from qc_console.config import SettingsError, load_settings, save_setting
from qc_console.domain.settings import DEFAULT_RULES


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("QC_CONFIG", str(path))
    for var in ("QC_DATABASE_URL", "QC_REP", "QC_CADENCE_TARGET", "QC_THEME"):
        monkeypatch.delenv(var, raising=False)
    return path


def test_defaults_are_the_domain_rules(cfg: Path) -> None:
    loaded = load_settings()
    assert loaded.settings.rules() == DEFAULT_RULES
    assert set(loaded.origin.values()) == {"default"}


def test_flag_beats_env_beats_file(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg.write_text('rep = "from-file"\ncadence_target = 4\ntheme = "nord"\n')
    monkeypatch.setenv("QC_REP", "from-env")
    monkeypatch.setenv("QC_CADENCE_TARGET", "9")
    loaded = load_settings(rep="from-flag")
    assert loaded.settings.rep == "from-flag" and loaded.origin["rep"] == "flag"
    assert loaded.settings.cadence_target == 9
    assert loaded.origin["cadence_target"] == "env QC_CADENCE_TARGET"
    assert loaded.settings.theme == "nord" and loaded.origin["theme"] == str(cfg)
    assert loaded.settings.rules().cadence_target == 9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cadence_target = 0\n", "'cadence_target' in {path}"),
        ("cadense = 3\n", "unknown setting 'cadense'"),
        ("cadence_target = \n", "{path}: not valid TOML"),
        ('database_url = "mysql://x"\n', "'database_url' in {path}: Value error, must start with"),
        ("aging_buckets_hours = [24, 1]\n", "'aging_buckets_hours' in {path}"),
    ],
)
def test_bad_file_names_key_and_file(cfg: Path, text: str, expected: str) -> None:
    cfg.write_text(text)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert expected.format(path=cfg) in str(err.value)


def test_bad_env_names_the_variable(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QC_CADENCE_TARGET", "six")
    with pytest.raises(SettingsError, match="env QC_CADENCE_TARGET"):
        load_settings()


def test_save_setting_keeps_the_rest(cfg: Path) -> None:
    cfg.write_text('rep = "ann"\ntheme = "nord"\n\n[keymap]\n"queue.qualify" = "Q"\n')
    save_setting("theme", 'gruvbox "x"')
    save_setting("database_url", "sqlite:////tmp/x.sqlite")
    loaded = load_settings()
    assert loaded.settings.theme == 'gruvbox "x"'
    assert loaded.settings.rep == "ann"
    assert loaded.settings.keymap == {"queue.qualify": "Q"}
    assert loaded.settings.database_url == "sqlite:////tmp/x.sqlite"


def test_config_command_prints_origins_and_fails_cleanly(cfg: Path) -> None:
    runner = CliRunner()
    cfg.write_text("incubation_days = 45\n")
    out = runner.invoke(cli, ["config"])
    assert out.exit_code == 0
    assert f"incubation_days = 45    # {cfg}" in out.output
    cfg.write_text("incubation_days = -1\n")
    bad = runner.invoke(cli, ["config"])
    assert bad.exit_code == 2
    assert "incubation_days" in bad.output and "Traceback" not in bad.output
