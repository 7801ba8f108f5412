"""The ``roca`` command line."""
