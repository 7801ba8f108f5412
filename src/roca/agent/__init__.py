"""The decision agent: calibrated models over signals, explanations, guardrails, narratives."""
