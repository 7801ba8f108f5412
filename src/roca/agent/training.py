"""Training a model from the simulated exchange: the bootstrap before reviewers' labels exist, and
the reference an ML engineer compares live models with.  Days are replayed through the signals in
time order; the last ``test_days`` are held out for the quality report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from roca.agent.calibration import CalibratedModel
from roca.agent.decisions import DECISIONS, RISKY_DECISION
from roca.agent.estimators import SignalModel
from roca.agent.features import to_matrix
from roca.agent.quality import QualityReport, reliability_diagram
from roca.cases.schemas import CaseType
from roca.signals import catalog
from roca.simulate import Exchange, SimulationConfig
from roca.simulate.replay import ReplayedCase, replay


@dataclass(frozen=True)
class TrainedModel:
    estimator: CalibratedModel
    case_type: CaseType
    feature_names: list[str]
    training_rows: int
    trained_from: datetime
    trained_to: datetime
    report: QualityReport
    test_labels: NDArray[np.intp]
    test_probabilities: NDArray[np.float64]
    data: dict[str, Any]

    def metrics(self) -> dict[str, Any]:
        report = self.report
        return {
            "auc": report.auc,
            "brier": report.brier,
            "log_loss": report.log_loss,
            "ece": report.ece,
            "tail_ece": {str(k): v for k, v in report.tail_ece.items()},
            "tail_count": {str(k): v for k, v in report.tail_count.items()},
            "test_rows": report.n,
            "base_rate": report.base_rate,
            "data": self.data,
        }


def train_on_simulation(
    case_type: CaseType, days: int, per_day: int, seed: int, test_days: int
) -> TrainedModel:
    if not 0 < test_days < days:
        raise ValueError("test_days must be at least 1 and fewer than days")
    config = SimulationConfig(seed=seed, per_day=per_day, mix={case_type: 1.0})
    train: list[ReplayedCase] = []
    test: list[ReplayedCase] = []
    for day, cases in replay(Exchange(config), range(days)):
        (train if day < days - test_days else test).extend(cases)
    estimator = CalibratedModel(SignalModel(case_type)).fit(_matrix(train), _labels(case_type, train))
    labels = _labels(case_type, test)
    probabilities = np.asarray(estimator.predict_proba(_matrix(test)), dtype=np.float64)
    risky = DECISIONS[case_type].index(RISKY_DECISION[case_type])
    return TrainedModel(
        estimator=estimator,
        case_type=case_type,
        feature_names=catalog.feature_names(case_type),
        training_rows=len(train),
        trained_from=_created(train[0]),
        trained_to=_created(train[-1]),
        report=QualityReport.of(labels, probabilities, risky=risky),
        test_labels=labels,
        test_probabilities=probabilities,
        data={"source": "simulation", "seed": seed, "days": days, "per_day": per_day, "test_days": test_days},
    )


def reevaluate(estimator: Any, case_type: CaseType, data: dict[str, Any]) -> TrainedModel:
    """A stored model measured again on the held-out days of the simulation it was trained on."""
    config = SimulationConfig(seed=data["seed"], per_day=data["per_day"], mix={case_type: 1.0})
    first_test = data["days"] - data["test_days"]
    test = [
        c for day, cases in replay(Exchange(config), range(data["days"])) if day >= first_test for c in cases
    ]
    labels = _labels(case_type, test)
    probabilities = np.asarray(estimator.predict_proba(_matrix(test)), dtype=np.float64)
    risky = DECISIONS[case_type].index(RISKY_DECISION[case_type])
    return TrainedModel(
        estimator=estimator,
        case_type=case_type,
        feature_names=catalog.feature_names(case_type),
        training_rows=0,
        trained_from=_created(test[0]),
        trained_to=_created(test[-1]),
        report=QualityReport.of(labels, probabilities, risky=risky),
        test_labels=labels,
        test_probabilities=probabilities,
        data=data,
    )


def write_report(trained: TrainedModel, version: str, folder: Path) -> Path:
    """A Markdown quality report with its reliability diagram; returns the Markdown path."""
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{version}-reliability.png"
    risky = DECISIONS[trained.case_type].index(RISKY_DECISION[trained.case_type])
    scores = trained.test_probabilities[:, risky]
    reliability_diagram(
        trained.test_labels == risky, scores, png, f"{version}: {RISKY_DECISION[trained.case_type]}"
    )
    report = trained.report
    tails = "\n".join(
        f"| p >= {above} | {trained.report.tail_count[above]:,} | {value:.4f} |"
        for above, value in report.tail_ece.items()
    )
    text = f"""# Model quality: {version}

Time-ordered test set: the last {trained.data["test_days"]} of {trained.data["days"]} simulated days
({report.n:,} cases; trained on {trained.training_rows:,} earlier cases).

| AUC | Brier | log loss | ECE (10 quantile bins) |
|---:|---:|---:|---:|
| {report.auc:.4f} | {report.brier:.4f} | {report.log_loss:.4f} | {report.ece:.4f} |

Tail calibration above candidate automation thresholds:

| scores | cases | ECE |
|---|---:|---:|
{tails}

![reliability diagram]({png.name})
"""
    path = folder / f"{version}.md"
    path.write_text(text, encoding="utf-8")
    return path


def _matrix(cases: list[ReplayedCase]) -> NDArray[np.float64]:
    return to_matrix([case.values for case in cases])


def _labels(case_type: CaseType, cases: list[ReplayedCase]) -> NDArray[np.intp]:
    decisions = DECISIONS[case_type]
    return np.array([decisions.index(c.simulated.truth.label) for c in cases], dtype=np.intp)


def _created(case: ReplayedCase) -> datetime:
    return case.case.created_at.astimezone(UTC)
