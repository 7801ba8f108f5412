"""Oversight: the figures a risk lead watches (automation, measured error, agreement, queue health,
drift) and the charts drawn from them."""
