"""qc-console: a keyboard-first terminal work queue for qualifying-center reps."""

__version__ = "0.1.0"
