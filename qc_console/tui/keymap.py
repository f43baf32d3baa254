"""The user's keymap: a TOML file mapping binding ids to keys, applied with `App.set_keymap`.

```toml
[keymap]
"queue.qualify" = "Q"
"queue.purge" = "x,delete"
```

A bad file never stops the console: each problem comes back as a message naming the file and
the entry, and the good entries still apply.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir
from textual.keys import Keys

APP_NAME = "qc-console"
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(k.value for k in Keys) | {"space", "tab", "enter", "escape", "backspace"}


def default_keymap_path() -> Path:
    return Path(user_config_dir(APP_NAME)) / "keymap.toml"


@dataclass
class KeymapResult:
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def valid_key(key: str) -> bool:
    """A key Textual can bind: `Q`, `ctrl+x`, `f5`, `question_mark`, `?`."""
    *mods, last = key.strip().split("+")
    if not last or any(m not in MODIFIERS for m in mods):
        return False
    if len(last) == 1 or last in _NAMED_KEYS:
        return True
    try:
        unicodedata.lookup(last.replace("_", " "))
    except KeyError:
        return False
    return True


def check_keymap(
    entries: Mapping[str, object], known_ids: Iterable[str], origin: str
) -> KeymapResult:
    """Keep the valid entries; describe each invalid one (naming `origin` and the entry)."""
    known = set(known_ids)
    out = KeymapResult()
    for binding_id, keys in entries.items():
        where = f"{origin}: {binding_id!r}"
        if binding_id not in known:
            out.problems.append(f"{where}: no such key binding (see ? for the ids)")
            continue
        if not isinstance(keys, str) or not keys.strip():
            out.problems.append(f'{where}: the key must be a string such as "Q" or "ctrl+q"')
            continue
        bad = [k for k in keys.split(",") if not valid_key(k)]
        if bad:
            out.problems.append(f"{where}: {', '.join(repr(k) for k in bad)} is not a key")
            continue
        out.keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return out


def load_keymap(path: Path, known_ids: Iterable[str], *, required: bool = False) -> KeymapResult:
    """Read `[keymap]` from `path`; a missing default file is no problem."""
    if not path.exists():
        problems = [f"keymap file {path} does not exist"] if required else []
        return KeymapResult(problems=problems)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return KeymapResult(problems=[f"keymap file {path}: cannot be read: {exc}"])
    table = data.get("keymap", {})
    if not isinstance(table, dict):
        return KeymapResult(problems=[f"keymap file {path}: `keymap` must be a [keymap] table"])
    return check_keymap(table, known_ids, f"keymap file {path}")
