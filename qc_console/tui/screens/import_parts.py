"""What the import screen's workers send back, and the path field's completion."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual.message import Message
from textual.suggester import Suggester

from qc_console.importing import ImportOptions, ImportPreview, ImportReport, Progress

if TYPE_CHECKING:
    from qc_console.domain.values import UndoResult
    from qc_console.importing.peek import FileColumns


class ImportBackend(Protocol):
    """The backend calls this screen makes (`services.facade.ServiceBackend` has them)."""

    actor: str

    def preview_import(self, path: str, options: ImportOptions | None = None) -> ImportPreview: ...
    def import_columns(self, path: str) -> FileColumns: ...
    def import_file(
        self, path: str, options: ImportOptions | None = None, progress: Progress | None = None
    ) -> ImportReport: ...
    def undo(self) -> UndoResult: ...
    def campaigns(self) -> list[str]: ...


@dataclass
class PreviewLoaded(Message, bubble=False):
    """The dry run of a file (with these options) is ready, with the existing campaigns."""

    options: ImportOptions
    preview: ImportPreview
    campaigns: tuple[str, ...] = ()


@dataclass
class PreviewFailed(Message, bubble=False):
    """The file cannot be imported as it is; `columns` when its header could be read."""

    message: str
    columns: FileColumns | None


@dataclass
class ImportProgressed(Message, bubble=False):
    """`done` of `total` rows went through `phase` ("checking", then "writing")."""

    phase: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ImportProgressed)  # only the latest count matters


@dataclass
class ImportFinished(Message, bubble=False):
    """The import committed (or failed: `error`)."""

    report: ImportReport | None
    error: str = ""


@dataclass
class Undone(Message, bubble=False):
    """The import was undone (or not: `message` says why)."""

    message: str


def typed_path(value: str) -> str:
    """What the rep means by the text in the path field: typing an absolute path or `~/…`
    after the folder it starts with restarts from there (`/home/me//tmp/a.csv` is
    `/tmp/a.csv`, as in Emacs and GTK file pickers); `~` is expanded."""
    value = value.strip()
    if "//" in value:
        value = "/" + value.rsplit("//", 1)[1]
    if "/~/" in value:
        value = "~/" + value.rsplit("/~/", 1)[1]
    return os.path.expanduser(value)


class PathSuggester(Suggester):
    """Completes the last part of a path from the directory's entries (folders end in /)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        path = typed_path(value)
        folder, _, prefix = path.rpartition(os.sep)
        base = Path(folder or ("/" if path.startswith(os.sep) else "."))
        try:
            names = sorted(p.name + (os.sep if p.is_dir() else "") for p in base.iterdir())
        except OSError:
            return None
        for name in names:
            if name.startswith(prefix) and name != prefix and not name.startswith("."):
                return value + name[len(prefix) :]
        return None
