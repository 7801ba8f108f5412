"""Evidence signals: pure functions of a case and its account's stored history."""
