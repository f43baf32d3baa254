"""Tell glibc's malloc to keep freed memory instead of handing it back to the system at once.

With its default (dynamic) trim threshold, a process that had just freed a big batch of
Python objects while still holding some (10,000 rows loaded and their views returned by a bulk
action) made the next big SQLite statement 4× slower: SQLite's page cache allocations kept
growing the heap that free() had just trimmed (undo of 10,000 leads: 7 s instead of 1.6 s,
bench/RESULTS.md, Bulk). A fixed threshold of 32 MB stops that for the cost of keeping up to
32 MB of freed memory mapped. A no-op where the C library has no `mallopt` (macOS, musl).
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1
"""glibc's `mallopt` parameter number (malloc.h)."""
TRIM_THRESHOLD = 32 * 1024 * 1024


def keep_freed_memory() -> bool:
    """Set the fixed trim threshold; True when the C library took it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
