"""Training a challenger on reviewers' labels (pure): the same estimator as the simulation-trained
models (``SignalModel`` calibrated by Venn-Abers, see ``roca.agent.training``), fitted with the
labels' weights, base model on the older 80 % of the training window and calibrator on the rest."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from roca.agent.calibration import CalibratedModel
from roca.agent.decisions import DECISIONS
from roca.agent.estimators import SignalModel
from roca.cases.schemas import CaseType

MODEL_KIND = "lightgbm+venn-abers"
CALIBRATION_SIZE = 0.2


def training_problem(case_type: CaseType, y: NDArray[np.intp]) -> str | None:
    """Why these labels cannot train a model of ``case_type`` (None when they can): the base model
    needs every decision among the rows it learns from, the calibrator both outcomes after them."""
    decisions = DECISIONS[case_type]
    present = np.unique(y)
    if present.size < 2:
        only = decisions[int(present[0])] if present.size else "nothing"
        return f"one class only ({only})"
    cut = len(y) - math.ceil(len(y) * CALIBRATION_SIZE)
    missing = [d for i, d in enumerate(decisions) if not np.any(y[:cut] == i)]
    if missing:
        return f"the older training labels have no {', '.join(missing)} decisions"
    if np.unique(y[cut:]).size < 2:
        return "the calibration labels (the newest 20 % of the training window) are of one class"
    return None


def fit_challenger(
    case_type: CaseType, x: NDArray[np.float64], y: NDArray[np.intp], weight: NDArray[np.float64]
) -> CalibratedModel:
    """A calibrated challenger; rows must be in time order (the calibration part is the newest)."""
    model = CalibratedModel(SignalModel(case_type))
    return model.fit(x, y, sample_weight=weight, calibration_size=CALIBRATION_SIZE)
