"""Is the simulated world learnable, and not trivially so?  Train LightGBM on the signals of the
first days' cases, test on later days, print ROC AUC and recall per scenario (ATO) and the same
for KYC (one-vs-rest AUC per decision).

    .venv/bin/python benchmarks/learnability.py [--per-day 1000] [--train-days 20] [--test-days 5]
"""

from __future__ import annotations

import argparse
import math
import time
from collections import defaultdict
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.metrics import roc_auc_score

from roca.signals import catalog
from roca.simulate import Exchange, SimulationConfig
from roca.simulate.replay import ReplayedCase, replay


def matrix(cases: list[ReplayedCase]) -> np.ndarray:
    return np.array(
        [[math.nan if v is None else float(v) for v in case.values] for case in cases], dtype=np.float64
    )


def model() -> lgb.LGBMClassifier:
    return lgb.LGBMClassifier(n_estimators=300, learning_rate=0.05, num_leaves=31, verbose=-1, random_state=7)


def split(
    case_type: str, per_day: int, train_days: int, test_days: int, seed: int
) -> tuple[list[ReplayedCase], list[ReplayedCase]]:
    config = SimulationConfig(seed=seed, per_day=per_day, mix={case_type: 1.0})  # type: ignore[dict-item]
    train: list[ReplayedCase] = []
    test: list[ReplayedCase] = []
    for day, cases in replay(Exchange(config), range(train_days + test_days)):
        (train if day < train_days else test).extend(cases)
    return train, test


def ato_report(train: list[ReplayedCase], test: list[ReplayedCase]) -> dict[str, Any]:
    y_train = np.array([c.simulated.truth.label == "confirm_ato" for c in train])
    y_test = np.array([c.simulated.truth.label == "confirm_ato" for c in test])
    fitted = model().fit(matrix(train), y_train)
    scores = fitted.predict_proba(matrix(test))[:, 1]
    by_scenario: dict[str, list[float]] = defaultdict(list)
    for case, score in zip(test, scores, strict=True):
        by_scenario[case.simulated.truth.scenario].append(score)
    per_scenario = {
        name: {
            "malicious": any(c.simulated.truth.malicious for c in test if c.simulated.truth.scenario == name),
            "cases": len(values),
            "flagged_share": float(np.mean(np.array(values) >= 0.5)),
        }
        for name, values in sorted(by_scenario.items())
    }
    importance = sorted(
        zip(catalog.feature_names("ato"), fitted.booster_.feature_importance("gain"), strict=True),
        key=lambda pair: -pair[1],
    )
    return {
        "train": len(train),
        "test": len(test),
        "true_rate_test": float(y_test.mean()),
        "auc": float(roc_auc_score(y_test, scores)),
        "scenarios": per_scenario,
        "top_signals": [name for name, _ in importance[:8]],
    }


def kyc_report(train: list[ReplayedCase], test: list[ReplayedCase]) -> dict[str, Any]:
    labels = sorted({c.simulated.truth.label for c in train})
    y_train = np.array([labels.index(c.simulated.truth.label) for c in train])
    y_test = np.array([labels.index(c.simulated.truth.label) for c in test])
    fitted = model().fit(matrix(train), y_train)
    probabilities = fitted.predict_proba(matrix(test))
    predicted = probabilities.argmax(axis=1)
    per_class = {
        label: float(roc_auc_score(y_test == i, probabilities[:, i])) for i, label in enumerate(labels)
    }
    by_scenario: dict[str, list[bool]] = defaultdict(list)
    for case, guess in zip(test, predicted, strict=True):
        by_scenario[case.simulated.truth.scenario].append(labels[guess] == case.simulated.truth.label)
    return {
        "train": len(train),
        "test": len(test),
        "auc_macro_ovr": float(np.mean(list(per_class.values()))),
        "auc_per_decision": per_class,
        "accuracy": float(np.mean(predicted == y_test)),
        "scenarios": {
            name: {"cases": len(v), "correct_share": float(np.mean(v))}
            for name, v in sorted(by_scenario.items())
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--per-day", type=int, default=1000)
    parser.add_argument("--train-days", type=int, default=20)
    parser.add_argument("--test-days", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    for case_type, report in (("ato", ato_report), ("kyc", kyc_report)):
        started = time.perf_counter()
        train, test = split(case_type, args.per_day, args.train_days, args.test_days, args.seed)
        result = report(train, test)
        print(
            f"\n== {case_type}: {result.pop('train')} train / {result.pop('test')} test cases "
            f"({time.perf_counter() - started:.0f} s)"
        )
        for key, value in result.items():
            if isinstance(value, dict):
                print(f"{key}:")
                for name, detail in value.items():
                    print(f"  {name:38s} {detail}")
            else:
                print(f"{key}: {value}")


if __name__ == "__main__":
    main()
