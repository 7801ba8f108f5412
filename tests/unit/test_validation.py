from __future__ import annotations

from roca.cases.validation import content_hash, event_id, parse_case
from roca.errors import FieldError
from tests.factories import ato_case


def test_valid_case_keeps_unknown_fields() -> None:
    raw = ato_case(upstream_batch="b-17")
    raw["subject"]["segment"] = "retail"
    parsed = parse_case(raw)
    assert not isinstance(parsed, list)
    assert parsed.raw["upstream_batch"] == "b-17"
    assert parsed.envelope.subject.model_extra == {"segment": "retail"}


def test_errors_name_the_field_path_and_reason() -> None:
    raw = ato_case()
    raw["events"][1]["ts"] = "yesterday"
    raw["events"][2]["type"] = "teleport"
    del raw["subject"]["account_id"]
    errors = parse_case(raw)
    assert isinstance(errors, list)
    paths = {e.path for e in errors}
    assert paths == {"subject.account_id", "events.1.ts", "events.2.type"}
    assert FieldError("subject.account_id", "required field is missing") in errors


def test_naive_timestamps_are_refused_with_a_hint() -> None:
    errors = parse_case(ato_case(created_at="2026-11-01T12:00:00"))
    assert isinstance(errors, list)
    assert errors[0].path == "created_at"
    assert "UTC offset" in errors[0].reason


def test_a_case_must_be_an_object() -> None:
    errors = parse_case(["not", "a", "case"])
    assert isinstance(errors, list)
    assert "JSON object" in errors[0].reason


def test_content_hash_ignores_key_order_but_not_values() -> None:
    a = {"external_id": "x", "case_type": "ato", "n": 1}
    b = {"n": 1, "case_type": "ato", "external_id": "x"}
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(a | {"n": 2})


def test_event_id_is_per_account() -> None:
    event = {"ts": "2026-11-01T10:00:00Z", "type": "login"}
    assert event_id("a", event) == event_id("a", dict(reversed(list(event.items()))))
    assert event_id("a", event) != event_id("b", event)
