"""What a closed-loop run is made of: its configuration (the simulated world, the team, the levers
of learning and certification) and its result, and the deployment settings it runs with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from roca.cases.schemas import CaseType
from roca.config import Settings
from roca.learning.loop_metrics import DayRecord
from roca.simulate import SimulationConfig


@dataclass(frozen=True, slots=True)
class LoopConfig:
    seed: int = 0
    days: int = 30
    per_day: int = 400
    case_type: CaseType = "ato"
    novel_from: int | None = None
    reviewers: int = 6
    qa_analysts: int = 1
    capacity: int = 60  # tasks per person per day
    reviewer_error: float = 0.02
    speed: float = 12.0  # tasks per hour
    alpha: float = 0.01
    delta: float = 0.05
    # Cases the reference model that measures each case's ambiguity trains on (0: judge difficulty
    # by scenario alone); see loop_expert.
    expert_cases: int = 6000
    # The learning engine's held-out share of the newest labels: also the window the thresholds are
    # certified on (None: the deployment's setting).
    eval_share: float | None = None
    # Fewest labelled cases a candidate threshold needs before it is tested (None: the deployment's
    # setting).  More gives the first test the power to tolerate a few errors.
    min_labelled: int | None = None
    qa_rate: float | None = None  # the policy's blind-audit rate (None: the deployment's setting)
    start: date | None = None  # the first simulated day (None: the simulator's default)

    def simulation(self) -> SimulationConfig:
        config = SimulationConfig(
            seed=self.seed, per_day=self.per_day, mix={self.case_type: 1.0}, novel_from_day=self.novel_from
        )
        return config if self.start is None else config.model_copy(update={"start": self.start})


@dataclass(slots=True)
class LoopResult:
    config: LoopConfig
    days: list[DayRecord] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def loop_settings(settings: Settings, config: LoopConfig) -> Settings:
    """The deployment the loop runs: automatic promotion and policy approval, the run's alpha/delta."""
    update: dict[str, Any] = {
        "policy_auto_approve": True,
        "learning_auto_promote": True,
        "automation_alpha": config.alpha,
        "automation_delta": config.delta,
        "embedded_scoring": False,
    }
    if config.eval_share is not None:
        update["learning_eval_share"] = config.eval_share
    if config.min_labelled is not None:
        update["automation_min_labelled"] = config.min_labelled
    if config.qa_rate is not None:
        update["qa_rate"] = config.qa_rate
    return settings.model_copy(update=update)


def default_out(seed: int) -> Path:
    return Path("var") / "closed-loop" / str(seed)
