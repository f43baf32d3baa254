"""The command sets glibc's trim threshold (qc_console/malloc.py) where the C library has one."""

from __future__ import annotations

import platform
import sys

import pytest

from qc_console.malloc import keep_freed_memory


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc only",
)
def test_glibc_takes_the_fixed_trim_threshold() -> None:
    assert keep_freed_memory() is True


def test_elsewhere_it_is_a_harmless_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert keep_freed_memory() is False
