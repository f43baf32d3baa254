"""PostgreSQL for tests: which engines run, and a fresh database per test.

Placeholder until the throwaway-server fixture lands: PostgreSQL runs when QC_TEST_PG is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


def engines() -> list[str]:
    return ["sqlite", "postgres"] if os.environ.get("QC_TEST_PG") else ["sqlite"]


def fresh_database(request: pytest.FixtureRequest) -> Iterator[str]:
    pytest.skip("PostgreSQL fixture not available yet")
    yield ""
