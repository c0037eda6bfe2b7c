"""The ``genguard`` command line (Typer + Rich). Each lifecycle stage adds its own sub-app."""
