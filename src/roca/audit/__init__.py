"""The hash-chained audit log: every state change, human or ROCA, is appended here."""
