"""Cases: the intake contract, storage once per external_id, and the lifecycle."""
