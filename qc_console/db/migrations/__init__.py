"""Numbered migrations applied in order by `qc_console.db.schema.migrate`.

Never edit a shipped one: add the next number.
"""
