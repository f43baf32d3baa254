"""Settings: one TOML file in the user's config dir plus `QC_*` environment variables.

Precedence: command-line flags > environment > config file > defaults. `qc-console config`
prints the effective values and where each came from.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings import SettingsError as PydanticSettingsError

from qc_console.domain.settings import AgingBucket, Rules

APP_NAME = "qc-console"
ENV_PREFIX = "QC_"


def config_path() -> Path:
    """`QC_CONFIG`, else config.toml in the user's config dir."""
    return Path(os.environ.get("QC_CONFIG") or Path(user_config_dir(APP_NAME)) / "config.toml")


def default_db_url() -> str:
    """The embedded default: a SQLite file in the user's data dir."""
    return f"sqlite:///{Path(user_data_dir(APP_NAME)) / 'qc-console.sqlite'}"


class SettingsError(Exception):
    """A setting that cannot be used: names the key and the file or variable it came from."""


class Settings(BaseSettings):
    """Everything a user may set."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    database_url: str = Field(default_factory=default_db_url)
    """sqlite:///PATH or postgresql://user@host:port/db (`QC_DATABASE_URL`)."""
    rep: str | None = None
    """The acting rep's name (`QC_REP`)."""
    cadence_target: int = Field(6, ge=1, le=50)
    """Touch attempts before the console suggests incubating."""
    max_voicemails: int = Field(2, ge=0, le=20)
    speed_to_lead_minutes: int = Field(15, ge=1, le=24 * 60)
    """A new raw lead should get its first touch within this many minutes."""
    handoff_sla_business_days: int = Field(2, ge=1, le=60)
    incubation_days: int = Field(30, ge=1, le=3650)
    aging_buckets_hours: list[float] = Field(default=[1, 24, 72, 168, 720], min_length=1)
    """Upper bounds of the queue-aging buckets, in hours, ascending (the last bucket is open)."""
    theme: str = "textual-dark"
    """The console's Textual theme; the console saves the user's choice here."""
    keymap: dict[str, str] = Field(default_factory=dict)
    """Key overrides by binding id, e.g. {"queue.qualify" = "Q"}."""

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("aging_buckets_hours")
    @classmethod
    def _ascending(cls, value: list[float]) -> list[float]:
        if any(b <= a for a, b in zip(value, value[1:], strict=False)) or value[0] <= 0:
            raise ValueError("must be positive and strictly ascending, e.g. [1, 24, 72, 168, 720]")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_path()),
        )

    def rules(self) -> Rules:
        """The refinery's rules as the domain sees them."""
        bounds = [timedelta(hours=h) for h in self.aging_buckets_hours]
        buckets = [
            AgingBucket(_label(lo, hi), hi) for lo, hi in zip([None, *bounds], bounds, strict=False)
        ]
        buckets.append(AgingBucket(f">{_span(bounds[-1])}", None))
        return Rules(
            cadence_target=self.cadence_target,
            max_voicemails=self.max_voicemails,
            speed_to_lead=timedelta(minutes=self.speed_to_lead_minutes),
            handoff_sla_business_days=self.handoff_sla_business_days,
            incubation_days=self.incubation_days,
            aging_buckets=tuple(buckets),
        )


def _in_unit(t: timedelta, unit: str) -> str:
    return f"{t.total_seconds() / (3600 if unit == 'h' else 86400):g}"


def _unit(t: timedelta) -> str:
    return "h" if t <= timedelta(hours=24) else "d"


def _label(lo: timedelta | None, hi: timedelta) -> str:
    """`0-1h`, `1-24h`, `1-3d`: both ends in the unit of the upper one."""
    unit = _unit(hi)
    start = "0" if lo is None else _in_unit(lo, unit)
    return f"{start}-{_in_unit(hi, unit)}{unit}"


def _span(t: timedelta) -> str:
    return f"{_in_unit(t, _unit(t))}{_unit(t)}"


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    path: Path
    origin: dict[str, str]
    """Each key's source: "flag", "env QC_…", the config file's path, or "default"."""


def load_settings(**flags: Any) -> Loaded:
    """Validated settings and where each value came from.

    Raises:
        SettingsError: naming the key and the file or environment variable at fault.
    """
    path = config_path()
    file_values: dict[str, Any] = {}
    if path.exists():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: not valid TOML: {exc}") from None
        except OSError as exc:  # a directory, no permission …
            raise SettingsError(f"{path}: cannot be read: {exc.strerror or exc}") from None
        unknown = sorted(set(file_values) - set(Settings.model_fields))
        if unknown:
            known = ", ".join(Settings.model_fields)
            raise SettingsError(f"{path}: unknown setting {unknown[0]!r} (known: {known})")
    given = {k: v for k, v in flags.items() if v is not None}
    origin: dict[str, str] = {}
    for key in Settings.model_fields:
        env = f"{ENV_PREFIX}{key.upper()}"
        if key in given:
            origin[key] = "flag"
        elif env in os.environ:
            origin[key] = f"env {env}"
        elif key in file_values:
            origin[key] = str(path)
        else:
            origin[key] = "default"
    try:
        settings = Settings(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else "?"
        where = origin.get(key, "?")
        where = f"in {where}" if where not in ("flag", "default") else f"({where})"
        raise SettingsError(f"setting {key!r} {where}: {err['msg']}") from None
    except PydanticSettingsError as exc:  # a QC_* variable for a list or table that is not JSON
        found = re.search(r'field "(\w+)"', str(exc))
        key = found.group(1) if found else "?"
        where = origin.get(key, f"env {ENV_PREFIX}{key.upper()}")
        raise SettingsError(f"setting {key!r} in {where}: not valid JSON") from None
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - read above first
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    return Loaded(settings, path, origin)


def save_setting(key: str, value: str) -> Path:
    """Set one string key in the config file (creating it), keeping everything else as it is."""
    if key not in Settings.model_fields:
        raise SettingsError(f"unknown setting {key!r}")
    path = config_path()
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    line = f"{key} = {_toml_string(value)}"
    pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.MULTILINE)
    text = pattern.sub(line, text, count=1) if pattern.search(text) else _append(text, line)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _append(text: str, line: str) -> str:
    # Top-level keys must come before any [table]; put new keys first.
    return f"{line}\n{text}" if text else f"{line}\n"


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
