from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from roca.cases.files import CaseFile


def test_json_array_elements_carry_their_line(tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    path.write_text('[\n  {"a": 1},\n  {"b": 2,\n   "c": 3},\n  {"d": 4}\n]\n')
    records = list(CaseFile(path).records())
    assert [(r.line, r.value) for r in records] == [(2, {"a": 1}), (3, {"b": 2, "c": 3}), (5, {"d": 4})]


def test_single_object_file(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text('\n{"a": 1}')
    assert [(r.line, r.value) for r in CaseFile(path).records()] == [(2, {"a": 1})]


def test_jsonl_bad_lines_are_errors_not_crashes(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text('{"a": 1}\n\n{"b": \n{"c": 3}\n')
    records = list(CaseFile(path).records())
    assert [r.line for r in records] == [1, 3, 4]
    with pytest.raises(ValueError, match="malformed JSON"):
        records[1].decoded()
    assert records[2].decoded() == {"c": 3}


def test_gzipped_ndjson(tmp_path: Path) -> None:
    path = tmp_path / "cases.ndjson.gz"
    with gzip.open(path, "wt") as handle:
        for i in range(3):
            handle.write(json.dumps({"i": i}) + "\n")
    case_file = CaseFile(path)
    assert [r.decoded() for r in case_file.records()] == [{"i": 0}, {"i": 1}, {"i": 2}]
    assert case_file.position() == case_file.size


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported file type"):
        CaseFile(tmp_path / "cases.csv")
