"""Learning from reviewers: a challenger trained on their labels replaces the champion only when it
automates at least as much under the same guarantee; the thresholds then follow the new champion's
own scores; rollback brings the old champion and its thresholds back; the CLI and the API."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent import registry
from roca.agent.service import Scorer
from roca.api.app import create_app
from roca.auth.roles import Role
from roca.cases import service as cases
from roca.cases.prepare import submission
from roca.config import Settings
from roca.learning import recertify
from roca.learning import service as learning
from roca.models import AuditRecord
from roca.policy import service as policy
from roca.policy.thresholds import choose_segment_thresholds_on_pool
from roca.storage import session_scope
from tests.conftest import TokenFor, cli_env
from tests.learning_history import labelled_quickly, reviewed_through_the_product, simulated_days

# Small data: a looser alpha (10 %) certifies with tens of labels instead of hundreds.
TUNED: dict[str, Any] = {
    "automation_alpha": 0.1, "automation_min_labelled": 30, "learning_min_train_rows": 100,
    "learning_min_eval_rows": 60, "learning_eval_share": 0.3, "policy_auto_approve": True,
}  # fmt: skip


def _tuned(settings: Settings, **extra: Any) -> Settings:
    return settings.model_copy(update={**TUNED, **extra})


def _learn(factory: sessionmaker[Session], settings: Settings, promote: bool = True) -> dict[str, Any]:
    with session_scope(factory) as session:
        run = learning.run_learning(session, settings, actor="ml-eng", promote=promote, case_types=["ato"])
        return {**run.results["ato"], "policy_version": run.policy_version}


def test_reviewers_labels_make_a_champion_with_thresholds_on_its_own_scores(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    days = simulated_days(4, 250)
    earlier = labelled_quickly(session_factory, list(days[:2]))["reviewed"]
    decided = reviewed_through_the_product(session_factory, [days[2][:100]])  # intake, scorer, reviewer
    result = _learn(session_factory, _tuned(settings))
    assert result["promoted"] and result["labels"] == earlier + decided
    assert result["champion"]["model"] == "rules"  # the cold start is the champion to beat
    new = result["challenger"]
    with session_factory() as session:
        champion = registry.champion(session, "ato")
        assert champion is not None and champion.version == new["model"]
        assert champion.kind == "lightgbm+venn-abers" and champion.training_rows == result["train_rows"]
        in_force = policy.active(session)
        assert in_force is not None and in_force.version == result["policy_version"]
        ato = in_force.segments["ato"]
        pool = recertify.champion_pool(session, "ato")
    # Certified on the new model's probabilities for the held-out window only (the stratified test over
    # its pool), not on the rule scores stored when the cases were decided.
    assert ato["labelled"] == result["eval_rows"] < result["labels"]
    assert pool is not None and pool.model == champion.version
    expected = choose_segment_thresholds_on_pool(pool.sample, alpha=0.1, delta=0.05, min_labelled=30)
    assert (ato["auto_clear"], ato["auto_act"]) == (
        expected.auto_clear_threshold,
        expected.auto_act_threshold,
    )
    assert "labelled cases kept of" in ato["justification"]["auto_clear"]["reason_en"]
    assert ato["auto_clear"] is not None and new["coverage"] > 0
    with session_scope(session_factory) as session:
        cases.ingest(session, [submission(days[3][0][0])], "upstream")
        (scoring,) = Scorer().score_pending(session)
        assert (scoring.source, scoring.model_version) == ("model", champion.version)


def _shuffled(fit: Callable[..., Any]) -> Callable[..., Any]:
    def worse(case_type: str, x: Any, y: Any, weight: Any) -> Any:
        return fit(case_type, x, np.random.default_rng(0).permutation(y), weight)

    return worse


def test_a_worse_challenger_is_refused_and_rollback_restores_the_champion(
    settings: Settings, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    tuned, days = _tuned(settings), simulated_days(4, 250)
    labelled_quickly(session_factory, list(days[:2]))
    first = _learn(session_factory, tuned)
    labelled_quickly(session_factory, [days[2]])
    second = _learn(session_factory, tuned)
    assert second["promoted"] and second["champion"]["model"] == first["challenger"]["model"]

    monkeypatch.setattr(learning, "fit_challenger", _shuffled(learning.fit_challenger))
    third = _learn(session_factory, tuned)
    assert not third["promoted"] and not third["eligible"]
    assert third["reason"].startswith("certified coverage")
    assert third["certification"]["model"] == second["challenger"]["model"]  # the champion certifies
    assert third["champion"]["coverage"] > third["challenger"]["coverage"]
    with session_factory() as session:
        refused = registry.get(session, third["challenger"]["model"])
        assert refused.status == "candidate" and "certified coverage" in refused.notes  # inspectable
        assert refused.metrics["champion"]["model"] == second["challenger"]["model"]
        current = registry.champion(session, "ato")
        assert current is not None and current.version == second["challenger"]["model"]

    with session_scope(session_factory) as session:
        restored, version = learning.rollback(session, tuned, "ato", "ml-eng")
        assert restored.version == first["challenger"]["model"]
        assert version.status == "active" and version.notes == f"rollback of ato to {restored.version}"
        # Certified on its own pool: labels after its training cutoff, none it trained on (and none
        # routed by another model while the segment decided alone).
        own = int(recertify.pool_of(session, "ato", restored).sample.labelled.sum())
        assert 0 < version.segments["ato"]["labelled"] == own <= third["labels"] - first["train_rows"]
    with session_factory() as session:
        rolled = session.scalar(select(AuditRecord).where(AuditRecord.action == "model.rolled_back"))
        assert rolled is not None and rolled.payload["replaced"] == second["challenger"]["model"]


def test_the_champion_recertifies_every_night_on_its_growing_pool_without_a_promotion(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    days = simulated_days(4, 250)
    labelled_quickly(session_factory, list(days[:2]))
    first = _learn(session_factory, _tuned(settings))
    assert first["promoted"] and first["certification"]["labels"] == first["eval_rows"]
    labelled_quickly(session_factory, [days[2]])
    kept = _learn(session_factory, _tuned(settings, learning_promotion_margin=1.0))  # no gain pays
    assert not kept["promoted"] and "promotion margin" in kept["reason"]
    pool = kept["certification"]
    assert pool["model"] == first["challenger"]["model"]
    # The pool grew by the new day's labels; the labels the champion trained on never enter it.
    assert pool["labels"] == kept["labels"] - first["train_rows"] > first["eval_rows"]
    with session_factory() as session:
        in_force = policy.active(session)
        assert in_force is not None
        grown = recertify.champion_pool(session, "ato")
        assert grown is not None and int(grown.sample.labelled.sum()) == pool["labels"]
        ato = in_force.segments["ato"]
        if kept["policy_version"] is not None:  # a threshold moved: a new version, on the grown pool
            assert in_force.version == kept["policy_version"]
            assert in_force.notes == "recertified on the champions' pools"
            assert ato["labelled"] == pool["labels"]
    first_clear = first["challenger"]["auto_clear"]
    expected = choose_segment_thresholds_on_pool(
        grown.sample, alpha=0.1, delta=0.05, min_labelled=30, deployed_auto_clear=first_clear
    )
    assert ato["auto_clear"] == expected.auto_clear_threshold
    again = _learn(session_factory, _tuned(settings, learning_promotion_margin=1.0))
    if again["policy_version"] is None:  # same labels, same thresholds: nothing for a lead to approve
        with session_factory() as session:
            assert policy.active(session).version == in_force.version  # type: ignore[union-attr]


def test_promotion_waits_for_a_person_unless_the_deployment_promotes(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    counts = labelled_quickly(session_factory, list(simulated_days(4, 250)[:2]), automated_every=10)
    manual = _tuned(settings, policy_auto_approve=False)
    with session_scope(session_factory) as session:
        run = learning.run_learning(session, manual, actor="ml-eng")
        ato = run.results["ato"]
        # Unaudited automatic decisions are not labels; audited ones are, weighted 1/pi.
        assert ato["labels"] == counts["reviewed"] + counts["audited"] and ato["audits"] == counts["audited"]
        assert ato["eligible"] and not ato["promoted"] and ato["reason"].endswith("not requested")
        assert run.results["kyc"] == {
            "status": "skipped", "promoted": False, "labels": 0,
            "reason": "skipped: 0 labelled cases: need 100 to train on and 60 newer ones to measure on",
            "certification": {
                "model": "rules", "labels": 0, "unlabelled_automatic": 0, "audits": 0, "since": None,
                "fresh_from": None,
            },
        }  # fmt: skip
        assert registry.champion(session, "ato") is None
        # The cold-start rules learned from none of the labels: all of them certify their thresholds.
        # Its pool also counts the automatic decisions nobody audited (the cells' sizes).
        assert ato["certification"] == {
            "model": "rules", "labels": ato["labels"], "audits": ato["audits"],
            "unlabelled_automatic": counts["automated"], "since": ato["certification"]["since"],
            "fresh_from": None,
        }  # fmt: skip
    automatic = _tuned(settings, policy_auto_approve=False, learning_auto_promote=True)
    with session_scope(session_factory) as session:
        run = learning.run_learning(session, automatic, actor="roca", case_types=["ato"])
        assert run.results["ato"]["promoted"] and run.policy_version is not None
        proposed = policy.active(session)
        assert proposed is None  # thresholds wait for a risk lead's approval
    with session_factory() as session:
        logged = session.scalars(select(AuditRecord).where(AuditRecord.action == "learning.run")).all()
        assert [r.payload["results"]["ato"]["promoted"] for r in logged] == [False, True]


def _roca(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {f"ROCA_{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v) for k, v in TUNED.items()}
    return subprocess.run(
        [sys.executable, "-m", "roca.cli.main", *args],
        capture_output=True, text=True, env=cli_env(settings, **env), timeout=300,
    )  # fmt: skip


def test_roca_learn_prints_the_comparison_and_rolls_back(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    days = simulated_days(4, 250)
    labelled_quickly(session_factory, list(days[:2]))
    first = _learn(session_factory, _tuned(settings))["challenger"]["model"]
    labelled_quickly(session_factory, [days[2]])
    done = _roca(settings, "learn", "--promote", "--case-type", "ato")
    assert done.returncode == 0, done.stderr + done.stdout
    out = done.stdout
    assert "challenger against champion" in out and "certified coverage" in out
    champion_row = next(line for line in out.splitlines() if "champion" in line and "ato" in line)
    assert first in champion_row and "ato: promoted: certified coverage" in out
    assert "thresholds certified on the new champion's scores: policy v2" in out
    back = _roca(settings, "learn", "rollback", "--case-type", "ato")
    assert back.returncode == 0, back.stderr + back.stdout
    assert f"{first} is the ato champion again; policy v3 is active" in back.stdout


def test_learning_runs_over_http(
    settings: Settings,
    engine: Engine,
    session_factory: sessionmaker[Session],
    auth_headers: TokenFor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    labelled_quickly(session_factory, list(simulated_days(4, 250)[:2]))
    engineer, lead, reviewer = (auth_headers(r) for r in (Role.ML_ENGINEER, Role.RISK_LEAD, Role.REVIEWER))
    with TestClient(create_app(_tuned(settings), engine)) as client:
        url = "/api/v1/learning/runs"
        assert client.post(url, json={"promote": True}, headers=reviewer).status_code == 403
        assert client.get(url, headers=reviewer).status_code == 403
        assert client.post(url, json={"case_types": ["phishing"]}, headers=engineer).status_code == 422
        started = client.post(url, json={"promote": True, "case_types": ["ato", "kyc"]}, headers=engineer)
        assert started.status_code == 202, started.text
        run_id = started.json()["id"]
        assert started.json()["status"] == "queued" and started.headers["location"] == f"{url}/{run_id}"
        run = client.get(started.headers["location"], headers=lead).json()
        assert run["status"] == "done" and run["actor"] == "ml_engineer-user" and run["policy_version"]
        assert run["results"]["ato"]["promoted"] and run["results"]["kyc"]["status"] == "skipped"
        assert set(run["results"]["ato"]["champion"]) >= {"auc", "brier", "ece", "coverage"}
        assert client.get(url, headers=lead).json()[0]["id"] == run_id
        assert client.post(url, json={}, headers=lead).status_code == 202  # risk leads may too
        assert client.get(f"{url}/999999", headers=engineer).status_code == 404

        def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("the registry is unreachable")

        monkeypatch.setattr(learning, "execute", broken)
        failing = client.post(url, json={}, headers=engineer).json()
        failed = client.get(f"{url}/{failing['id']}", headers=engineer).json()
        assert failed["status"] == "failed" and "the registry is unreachable" in failed["error"]
