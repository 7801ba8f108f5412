"""From signal values to the matrix a model reads, and the feature list a stored model was trained on.

``catalog.values`` gives each case's signal values in catalog order; :func:`to_matrix` stacks them as
float64 (``None`` -> NaN, which LightGBM treats as missing; ``True``/``False`` -> 1/0).  A
:class:`FeatureSpec` names those columns for one case type and carries a stable digest of the names,
so a stored model refuses a catalog whose signals were added, removed or reordered since training.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from roca.cases.schemas import CaseType
from roca.errors import ConfigurationError
from roca.signals import catalog
from roca.signals.base import SignalValue


class FeatureMismatch(ConfigurationError):
    """A model was trained on other signals (or another order) than the ones computed now."""

    code = "feature_mismatch"


def _as_float(value: SignalValue) -> float:
    if value is None:
        return math.nan
    if isinstance(value, str):
        raise TypeError(f"signal value {value!r} is text; models read numbers and flags only")
    return float(value)


def to_matrix(rows: Sequence[Sequence[SignalValue]]) -> NDArray[np.float64]:
    """Signal rows (one per case, catalog order) as an (n_cases, n_signals) float64 matrix."""
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        raise ValueError(f"signal rows have different lengths: {sorted(widths)}")
    width = widths.pop() if widths else 0
    matrix = np.empty((len(rows), width), dtype=np.float64)
    for i, row in enumerate(rows):
        matrix[i] = [_as_float(value) for value in row]
    return matrix


def names_digest(names: Sequence[str]) -> str:
    """A stable digest of an ordered feature list (the same on every machine and Python run)."""
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """The ordered features (signal ids) of one case type that a model reads."""

    case_type: CaseType
    names: tuple[str, ...]

    @classmethod
    def for_case_type(cls, case_type: CaseType) -> FeatureSpec:
        """The features the signal catalog computes today for ``case_type``."""
        return cls(case_type, tuple(catalog.feature_names(case_type)))

    @property
    def digest(self) -> str:
        return names_digest(self.names)

    @property
    def width(self) -> int:
        return len(self.names)

    def check(self, case_type: CaseType, digest: str) -> None:
        """Refuse a stored model's (case type, digest) unless it is this spec's."""
        if case_type != self.case_type or digest != self.digest:
            raise FeatureMismatch(
                f"the model was trained on {case_type} features {digest}; "
                f"the catalog now gives {self.case_type} features {self.digest}",
                expected=self.digest,
                found=digest,
            )

    def matrix(self, rows: Sequence[Sequence[SignalValue]]) -> NDArray[np.float64]:
        """Like :func:`to_matrix`, refusing rows that do not have one value per feature."""
        matrix = to_matrix(rows)
        if rows and matrix.shape[1] != self.width:
            raise FeatureMismatch(
                f"{self.case_type} rows have {matrix.shape[1]} values; the spec has {self.width} features"
            )
        return matrix.reshape(len(rows), self.width)
