"""Tests of the automation-boundary maths: thresholds and the drift monitor."""
