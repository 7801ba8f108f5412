"""The model registry: versions with their artifact, training window, features, metrics and
status (candidate -> champion -> retired).  Scoring uses each case type's champion."""

from __future__ import annotations

import hashlib
import pickle
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roca.audit.writer import record
from roca.errors import Conflict, NotFound
from roca.models import ModelVersion
from roca.storage.base import utcnow

if TYPE_CHECKING:
    from roca.agent.training import TrainedModel

CANDIDATE, CHAMPION, RETIRED = "candidate", "champion", "retired"


def register(
    session: Session,
    *,
    case_type: str,
    estimator: Any,
    feature_names: list[str],
    kind: str,
    actor: str,
    metrics: dict[str, Any] | None = None,
    trained_from: datetime | None = None,
    trained_to: datetime | None = None,
    training_rows: int = 0,
    notes: str = "",
) -> ModelVersion:
    """Store a trained estimator as a candidate."""
    artifact = pickle.dumps(estimator, protocol=pickle.HIGHEST_PROTOCOL)
    digest = hashlib.sha256(artifact).hexdigest()
    version = ModelVersion(
        version=f"{case_type}-{utcnow():%Y%m%d%H%M%S}-{digest[:8]}",
        case_type=case_type,
        status=CANDIDATE,
        kind=kind,
        artifact=artifact,
        artifact_sha256=digest,
        feature_names=feature_names,
        feature_hash=feature_hash(feature_names),
        trained_from=trained_from,
        trained_to=trained_to,
        training_rows=training_rows,
        metrics=metrics or {},
        notes=notes,
        created_by=actor,
    )
    session.add(version)
    session.flush()
    record(
        session,
        actor=actor,
        action="model.registered",
        entity_type="model",
        entity_id=version.version,
        payload={"case_type": case_type, "kind": kind, "sha256": digest, "metrics": version.metrics},
    )
    return version


def register_trained(session: Session, trained: TrainedModel, actor: str, notes: str) -> ModelVersion:
    """A model trained on the simulated exchange, registered as a candidate."""
    return register(
        session, case_type=trained.case_type, estimator=trained.estimator,
        feature_names=trained.feature_names, kind="lightgbm+venn-abers", actor=actor,
        metrics=trained.metrics(), trained_from=trained.trained_from, trained_to=trained.trained_to,
        training_rows=trained.training_rows, notes=notes,
    )  # fmt: skip


def feature_hash(feature_names: list[str]) -> str:
    return hashlib.sha256("\n".join(feature_names).encode()).hexdigest()


def get(session: Session, version: str) -> ModelVersion:
    found = session.scalar(select(ModelVersion).where(ModelVersion.version == version))
    if found is None:
        raise NotFound(f"no model version {version!r}", version=version)
    return found


def champion(session: Session, case_type: str) -> ModelVersion | None:
    query = select(ModelVersion).where(ModelVersion.case_type == case_type, ModelVersion.status == CHAMPION)
    return session.scalar(query)


def versions(session: Session, case_type: str | None = None) -> list[ModelVersion]:
    query = select(ModelVersion).order_by(ModelVersion.id.desc())
    if case_type:
        query = query.where(ModelVersion.case_type == case_type)
    return list(session.scalars(query))


def promote(session: Session, version: str, actor: str) -> ModelVersion:
    """Make ``version`` its case type's champion; the previous champion retires."""
    chosen = get(session, version)
    if chosen.status == CHAMPION:
        raise Conflict(f"{version} is already the champion", version=version)
    previous = champion(session, chosen.case_type)
    if previous is not None:
        previous.status = RETIRED
    chosen.status, chosen.promoted_at, chosen.promoted_by = CHAMPION, utcnow(), actor
    session.flush()
    record(
        session,
        actor=actor,
        action="model.promoted",
        entity_type="model",
        entity_id=version,
        payload={"case_type": chosen.case_type, "replaced": previous.version if previous else None},
    )
    return chosen


def rollback(session: Session, case_type: str, actor: str) -> ModelVersion:
    """Bring back the champion before the current one."""
    current = champion(session, case_type)
    query = (
        select(ModelVersion)
        .where(ModelVersion.case_type == case_type, ModelVersion.status == RETIRED)
        .where(ModelVersion.promoted_at.is_not(None))
        .order_by(ModelVersion.promoted_at.desc())
    )
    earlier = session.scalars(query).first()
    if earlier is None:
        raise NotFound(f"no earlier {case_type} champion to roll back to", case_type=case_type)
    if current is not None:
        current.status = RETIRED
    earlier.status, earlier.promoted_at, earlier.promoted_by = CHAMPION, utcnow(), actor
    session.flush()
    record(
        session,
        actor=actor,
        action="model.rolled_back",
        entity_type="model",
        entity_id=earlier.version,
        payload={"case_type": case_type, "replaced": current.version if current else None},
    )
    return earlier


_loaded: dict[tuple[str, str], Any] = {}


def load(version: ModelVersion) -> Any:
    """The estimator of a stored version, checked against its hash (cached per version)."""
    key = (version.version, version.artifact_sha256)
    if key not in _loaded:
        artifact = bytes(version.artifact)
        if hashlib.sha256(artifact).hexdigest() != version.artifact_sha256:
            raise Conflict(f"model {version.version}: artifact does not match its recorded hash")
        # Artifacts are written only by ROCA's own training into ROCA's database (hash checked above).
        _loaded[key] = pickle.loads(artifact)  # noqa: S301
    return _loaded[key]
