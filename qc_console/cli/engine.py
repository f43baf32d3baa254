"""Commands of this group (filled in by their owner)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
