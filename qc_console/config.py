"""Settings from the environment (and, later, the user's TOML file), validated by Pydantic."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "qc-console"


def default_db_url() -> str:
    """The embedded default: a SQLite file in the user's data dir."""
    return f"sqlite:///{Path(user_data_dir(APP_NAME)) / 'qc-console.sqlite'}"


class Settings(BaseSettings):
    """Where the data lives and who is acting."""

    model_config = SettingsConfigDict(env_prefix="QC_", extra="ignore")

    database_url: str = Field(default_factory=default_db_url)
    """`QC_DATABASE_URL`: sqlite:///PATH or postgresql://user@host:port/db."""
    rep: str | None = None
    """`QC_REP`: the acting rep's name."""
