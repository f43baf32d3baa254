"""`python -m qc_console` is the same as the `qc-console` command."""

from qc_console.cli import main

if __name__ == "__main__":
    main()
