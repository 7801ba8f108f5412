"""Challengers: the same calibrated estimator as the simulation-trained models, fitted with weights,
and a clear reason when the labels cannot train one."""

from __future__ import annotations

import numpy as np

from roca.learning.train import fit_challenger, training_problem


def test_labels_that_cannot_train_a_model_say_why() -> None:
    assert training_problem("ato", np.zeros(300, dtype=np.intp)) == "one class only (not_ato)"
    kyc = np.array([0, 1] * 150, dtype=np.intp)  # no request_info at all
    assert "request_info" in (training_problem("kyc", kyc) or "")
    late_only = np.r_[np.zeros(250, dtype=np.intp), np.ones(50, dtype=np.intp)]
    assert "older training labels" in (training_problem("ato", late_only) or "")
    assert training_problem("ato", np.array([0, 1] * 150, dtype=np.intp)) is None


def test_weights_change_what_the_challenger_learns() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(600, 4))
    y = (x[:, 0] + rng.normal(scale=0.5, size=600) > 0.8).astype(np.intp)
    plain = fit_challenger("ato", x, y, np.ones(600))
    heavy = fit_challenger("ato", x, y, np.where(y == 1, 30.0, 1.0))
    probe = rng.normal(size=(200, 4))
    assert plain.predict_proba(probe).shape == (200, 2)
    # Risky rows weighted up (as audits are, 1/pi) make the model see more risk.
    assert heavy.predict_proba(probe)[:, 1].mean() > plain.predict_proba(probe)[:, 1].mean()
