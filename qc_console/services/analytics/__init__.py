"""Refinery analytics: every figure replayed from the event log (see `_replay`), kept in a
weekly rollup (see `_rollup`). Frozen dataclasses in, frozen dataclasses out."""
