"""The package's copy of the intake contract stays in step with the shared one and accepts its examples."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from roca.cases.schemas import CaseIn
from roca.cases.validation import parse_case
from tests.conftest import ROOT, SHARED

PACKAGE_SCHEMA = ROOT / "src" / "roca" / "contract" / "case.schema.json"
SHARED_EXAMPLES = sorted((SHARED / "contract" / "examples").glob("*.json"))
LOCAL_EXAMPLES = sorted((ROOT / "examples" / "cases").glob("*.json"))


def _load(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_shared_contract_is_present() -> None:
    assert SHARED_EXAMPLES, f"no contract examples found under {SHARED}"


def test_package_schema_matches_shared_schema() -> None:
    assert _load(PACKAGE_SCHEMA) == _load(SHARED / "contract" / "case.schema.json")


def test_local_examples_are_copies_of_the_shared_ones() -> None:
    assert [p.name for p in LOCAL_EXAMPLES] == [p.name for p in SHARED_EXAMPLES]
    for local, shared in zip(LOCAL_EXAMPLES, SHARED_EXAMPLES, strict=True):
        assert _load(local) == _load(shared)


@pytest.mark.parametrize("path", SHARED_EXAMPLES, ids=lambda p: p.name)
def test_every_example_passes_json_schema_and_models(path: Path) -> None:
    document = _load(path)
    validator = jsonschema.Draft202012Validator(
        _load(PACKAGE_SCHEMA), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(document)) == []
    model = CaseIn.model_validate(document)
    assert model.external_id == document["external_id"]
    assert not isinstance(parse_case(document), list)


def test_models_and_json_schema_agree_on_a_broken_case() -> None:
    broken = _load(SHARED_EXAMPLES[0]) | {"case_type": "phishing"}
    validator = jsonschema.Draft202012Validator(_load(PACKAGE_SCHEMA))
    assert list(validator.iter_errors(broken))
    errors = parse_case(broken)
    assert isinstance(errors, list)
    assert [e.path for e in errors] == ["case_type"]
