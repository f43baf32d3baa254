"""Demo data files read by `qc-console seed` (installed as qc_console.sample_data)."""
