"""Learning from reviewers: training data from human decisions and blind audits, a challenger per
case type measured against the champion on the newest labels, promotion and rollback; and the
blind-spot report of what reviewers keep telling ROCA."""
