"""The starter SOPs parse, cite only real signals, speak both languages, and back every guardrail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roca.agent.guardrails import Guardrails
from roca.agent.rules import WEIGHTS
from roca.errors import NotFound
from roca.signals import catalog
from roca.sop.documents import (
    SopFormatError,
    clause,
    clause_index,
    clauses_for_signal,
    load_documents,
    parse_document,
    unknown_signals,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
AREAS = {"SOP-ATO": "ATO", "SOP-KYC": "KYC", "SOP-KYB": "KYB", "SOP-FRAUD": "FRD", "SOP-GEN": "GEN"}
VALID = """---
sop_id: SOP-TEST
version: 0.1
effective: 2026-11-01
owner: Tests
---
# Test SOP / 测试规程

## TST-1.1 First rule / 第一条
English text.
中文：中文内容。
signals: ato.mfa_removed
"""


def test_every_area_ships_one_versioned_document() -> None:
    documents = load_documents()
    assert {d.sop_id for d in documents} == set(AREAS)
    for document in documents:
        assert document.version and document.owner and document.effective.year >= 2026
        assert 8 <= len(document.clauses) <= 16, document.sop_id
        assert all(c.id.startswith(AREAS[document.sop_id] + "-") for c in document.clauses)
        assert all(c.sop_id == document.sop_id and c.version == document.version for c in document.clauses)


def test_clause_ids_are_unique_across_documents() -> None:
    ids = [c.id for d in load_documents() for c in d.clauses]
    assert len(ids) == len(set(ids)) == len(clause_index())


def test_every_listed_signal_exists_in_the_catalog() -> None:
    known = {spec.id for spec in catalog.specs()}
    assert unknown_signals(load_documents(), known) == []


def test_every_catalog_signal_is_governed_by_a_clause() -> None:
    ungoverned = [spec.id for spec in catalog.specs() if not clauses_for_signal(spec.id)]
    assert ungoverned == []


def test_every_clause_speaks_both_languages() -> None:
    for item in clause_index().values():
        assert item.title_en and item.text_en and not CJK.search(item.title_en), item.id
        assert CJK.search(item.title_zh) and CJK.search(item.text_zh), item.id
        assert item.text("zh-CN") == item.text_zh and item.title("en") == item.title_en


def test_every_guardrail_cites_an_existing_clause() -> None:
    known = clause_index()
    assert all(rule.sop_clause in known for rule in Guardrails.load().rules)


def test_every_rule_weight_cites_a_clause_that_governs_its_signal() -> None:
    for rows in WEIGHTS.values():
        for row in rows:
            assert row.signal_id in clause(row.clause).signals, (row.clause, row.signal_id)


def test_lookups() -> None:
    assert clause("ATO-3.1").title_zh == "安全设置变更后的提现锁定"
    assert "ATO-3.2" in clauses_for_signal("ato.phone_change_via_support")
    assert clauses_for_signal("ato.no_such_signal") == []
    with pytest.raises(NotFound, match=r"GEN-99\.9"):
        clause("GEN-99.9")


def test_documents_are_cached_but_callers_get_their_own_list() -> None:
    first, second = load_documents(), load_documents()
    assert first == second and first is not second
    first.clear()
    assert load_documents() == second


def test_a_valid_file_parses_with_multiline_text() -> None:
    text = VALID.replace("English text.", "English text,\n\nsecond paragraph.")
    document = parse_document(text, "test.md")
    (only,) = document.clauses
    assert only.text_en == "English text,\n\nsecond paragraph."
    assert (only.title_en, only.title_zh, only.signals) == ("First rule", "第一条", ("ato.mfa_removed",))


def test_a_folder_loads_and_duplicate_clauses_across_files_fail(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(VALID, encoding="utf-8")
    assert [d.sop_id for d in load_documents(tmp_path)] == ["SOP-TEST"]
    other = tmp_path / "more"
    other.mkdir()
    (other / "a.md").write_text(VALID, encoding="utf-8")
    (other / "b.md").write_text(VALID.replace("SOP-TEST", "SOP-OTHER"), encoding="utf-8")
    with pytest.raises(SopFormatError, match=r"b\.md:1: clause TST-1\.1 also in a\.md"):
        load_documents(other)


BROKEN = [
    (VALID.replace("---\nsop_id", "sop_id", 1), "bad.md:1: the file must open"),
    (VALID.replace("owner: Tests\n", ""), r"bad.md:5: front matter lacks owner"),
    (VALID.replace("2026-11-01", "soon"), "effective must be a date"),
    (VALID.replace("## TST-1.1", "## TST 1.1"), r"bad.md:9: clause heading needs an id"),
    (VALID.replace("First rule / 第一条", "First rule"), r"bad.md:9: a title reads"),
    (VALID.replace("中文：中文内容。\n", ""), r"bad.md:11: TST-1.1: 'signals:' comes before"),
    (VALID.replace("signals: ato.mfa_removed\n", ""), r"bad.md:9: TST-1.1 has no 'signals:' line"),
    (VALID.replace("English text.\n", ""), r"bad.md:9: TST-1.1 has no English text"),
    (VALID.replace("ato.mfa_removed", "MFA removed"), r"bad.md:12: 'MFA removed' is not a signal id"),
    (VALID + "stray text\n", r"bad.md:13: TST-1.1: text after the 'signals:' line"),
    (
        VALID + "\n## TST-1.1 Again / 再次\nx\n中文：y\nsignals:\n",
        r"bad.md:14: TST-1.1 already used on line 9",
    ),
    (VALID + "\n## ABC-1.2 Other / 其他\nx\n中文：y\nsignals:\n", r"bad.md:14: ABC-1.2: every clause"),
    (VALID.replace("# Test SOP / 测试规程\n", ""), r"bad.md:8: the '# <English> / <中文>' title"),
    (VALID.replace("## TST", "### TST"), r"bad.md:9: only '# title' and '## <clause>'"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_malformed_files_name_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(SopFormatError, match=message):
        parse_document(text, "bad.md")
