"""Downstream actions of decisions: the outbox, its dispatcher (webhook, NATS) and webhook signing."""
