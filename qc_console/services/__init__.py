"""Use cases: the only code that changes data."""
