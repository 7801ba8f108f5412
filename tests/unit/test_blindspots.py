"""The blind-spot report without a database: terms, clusters, ranking and the two formats."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from roca.learning.blindspot_render import jsonl, markdown
from roca.learning.blindspot_text import UNCLUSTERED, cluster_texts, tokens
from roca.learning.blindspots import Feedback, SignalMark, Window, build_report, lift, score
from tests.blindspot_scenario import (
    ADDRESS_BOOK,
    BASELINE_DAYS,
    CAMPAIGN_STARTS,
    UNTIL,
    Said,
    novel_campaign_feedback,
)

WINDOW = Window(CAMPAIGN_STARTS, UNTIL, CAMPAIGN_STARTS - timedelta(days=BASELINE_DAYS))


def _feedback(said: list[Said]) -> list[Feedback]:
    return [
        Feedback(
            decision_id=i,
            case_id=1000 + i,
            external_id=s.external_id,
            case_type="ato",
            task_kind=s.task_kind,
            created_at=s.at,
            agrees_with_roca=s.agrees,
            root_cause=s.root_cause,
            annotation=s.annotation,
            marks=tuple(SignalMark(kind, signal) for kind, signal in s.marks),
            leaned_on=s.leaned_on,
        )
        for i, s in enumerate(said, 1)
    ]


def test_english_terms_drop_stop_words_and_keep_signal_ids() -> None:
    terms = tokens("The customer's VPN logins are NOT why ROCA flagged ato.new_country, 3 times!")
    assert terms == ["vpn", "login", "flagged", "ato.new_country", "time"]


def test_chinese_is_segmented_by_jieba_without_function_words_or_punctuation() -> None:
    terms = tokens("浏览器扩展在提现前几分钟向地址簿添加了陌生地址，ROCA 没有这个信号。")
    assert {"浏览器", "扩展", "提现", "陌生", "地址", "信号"} <= set(terms)
    assert not {"在", "了", "没有", "，", "。", "roca"} & set(terms)


def test_jieba_loads_only_for_chinese_quietly_and_without_warnings() -> None:
    """Importing the report and reading English leaves jieba unloaded; the first Chinese text loads
    its dictionary without a word on stderr, even with every warning an error."""
    probe = (
        "import sys\n"
        "from roca.learning.blindspot_text import tokens\n"
        "import roca.learning.blindspots, roca.learning.blindspot_render\n"
        "tokens('an English annotation only')\n"
        "print('jieba' in sys.modules)\n"
        "print(tokens('浏览器扩展，。')[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["False", "浏览器"]
    assert done.stderr == ""


def test_similar_annotations_cluster_apart_from_unrelated_ones_in_each_language() -> None:
    texts = [
        "A browser extension added an address to the address book minutes before the withdrawal.",
        "Address book entry made by a browser extension just before the withdrawal.",
        "浏览器扩展在提现前向地址簿添加了地址。",
        "恶意浏览器扩展先添加地址簿条目，随后提现。",
        "Customer is travelling in Japan on the usual phone.",
        "Customer travelling in Japan, usual phone and amounts.",
        "!!!",
    ]
    clustering = cluster_texts(texts)
    english, chinese, travel, empty = (
        clustering.assignment[0],
        clustering.assignment[2],
        *clustering.assignment[4::2],
    )
    assert clustering.assignment[:6] == [english, english, chinese, chinese, travel, travel]
    assert len({english, chinese, travel}) == 3 and empty == UNCLUSTERED
    assert {"address", "book", "browser", "extension"} <= set(clustering.terms[english])
    assert {"浏览器", "扩展", "地址簿"} & set(clustering.terms[chinese])
    assert {"japan", "travelling"} & set(clustering.terms[travel])


def test_many_distinct_annotations_are_clustered_by_k_means_keeping_duplicates_together() -> None:
    texts = [f"travel to japan on trip {w}" for w in ("alpha", "beta", "gamma")] * 2 + [
        f"vpn user with corporate network {w}" for w in ("delta", "epsilon", "zeta")
    ]
    clustering = cluster_texts(texts, max_agglomerative=3)
    assert clustering.assignment[:3] == clustering.assignment[3:6]
    assert set(clustering.assignment[:3]).isdisjoint(clustering.assignment[6:])


def test_a_new_finding_outranks_a_steadier_more_frequent_one() -> None:
    rising = lift(30, 100, 1, 400)
    steady = lift(50, 100, 200, 400)
    assert rising > 10 and 0.9 < steady < 1.1
    assert score(30, rising) > score(50, steady)
    # With no baseline at all, nothing is new: findings rank by how often they occur.
    assert lift(20, 100, 0, 0) == pytest.approx(1.0, rel=0.05) and score(20, 1.0) > score(10, 1.0)


def test_the_novel_campaign_signature_tops_the_report() -> None:
    """Acceptance: after the campaign starts, its root cause and the signals reviewers name as
    missing are among the top three findings; ordinary feedback ranks below them."""
    said = novel_campaign_feedback(ordinary_per_day=6, campaign_per_day=4)
    report = build_report(_feedback(said), WINDOW)
    top = report.top(3)
    keys = [(f.kind, f.key) for f in top]
    assert ("root_cause", "novel_pattern") in keys and ("missing_signal", ADDRESS_BOOK) in keys
    assert all(example.external_id.startswith("novel-") for f in top for example in f.examples)
    cause = next(f for f in top if f.key == "novel_pattern")
    campaign = [s for s in said if s.campaign]
    assert cause.count == len(campaign) and cause.baseline_count == 0 and cause.overturns == cause.count
    assert cause.qa_audits == sum(s.task_kind == "qa" for s in campaign) > 0
    assert cause.leaned_on[0] in (
        ("ato.account_age_days", cause.count),
        ("ato.amount_vs_median_withdrawal", cause.count),
    )
    ordinary = next(f for f in report.findings if f.key == "misweighted_signal")
    assert (
        ordinary.count > 0 and ordinary.baseline_count > ordinary.count and ordinary.score < cause.score / 5
    )


def test_clusters_of_the_campaign_gather_its_annotations_in_both_languages() -> None:
    report = build_report(_feedback(novel_campaign_feedback(6, 4)), WINDOW)
    clusters = [f for f in report.top(100) if f.kind == "annotation_cluster"]
    clusters = [f for f in clusters if f.examples[0].external_id.startswith("novel-")]
    languages = {"zh" if any("\u4e00" <= ch <= "\u9fff" for ch in f.key) else "en" for f in clusters}
    assert languages == {"en", "zh"}
    assert all(f.baseline_count == 0 and f.count >= 2 and len(f.examples) == 3 for f in clusters)
    assert sum(f.count for f in clusters) >= 0.8 * sum(1 for s in novel_campaign_feedback(6, 4) if s.campaign)


def test_markdown_names_root_causes_in_both_languages_and_shows_examples() -> None:
    report = build_report(_feedback(novel_campaign_feedback(6, 4)), WINDOW)
    text = markdown(report)
    assert text.startswith("# Blind-spot report · 盲点报告")
    assert "Window **2026-11-24 – 2026-11-30** against the baseline 2026-10-27 – 2026-11-23" in text
    assert "Root cause `novel_pattern`: a new attack or behaviour pattern · 新型模式" in text
    first = text.split("## Top findings")[1].split("### 1.")[0]
    assert "| 1 |" in first and "novel" not in first.split("| 4 |")[0].split("| 1 |")[0]
    for section in ("## Root causes per segment", "## Root causes over time (per day)",
                    "## Signals marked misleading or named missing", "## Annotation clusters"):  # fmt: skip
        assert section in text
    assert f"`{ADDRESS_BOOK}`" in text and "(`novel-" in text and "QA audit" in text
    assert "| 2026-11-30 |" in text and "| 2026-10-27 |" in text


def test_jsonl_has_one_finding_per_line_best_first() -> None:
    report = build_report(_feedback(novel_campaign_feedback(6, 4)), WINDOW)
    lines = [json.loads(line) for line in jsonl(report).splitlines()]
    assert len(lines) == len(report.findings) and [r["rank"] for r in lines] == list(range(1, len(lines) + 1))
    assert [r["score"] for r in lines] == sorted((r["score"] for r in lines), reverse=True)
    cause = next(r for r in lines if r["key"] == "novel_pattern")
    assert cause["type"] == "root_cause" and cause["segment"] == "ato" and cause["label_zh"] == "新型模式"
    assert cause["baseline_count"] == 0 and cause["examples"][0]["external_id"].startswith("novel-")
    assert set(cause) >= {"count", "score", "lift", "examples", "by_period", "window", "leaned_on"}
    cluster = next(r for r in lines if r["type"] == "annotation_cluster")
    assert cluster["terms"] and cluster["key"] == " · ".join(cluster["terms"])


def test_signal_notes_are_the_examples_of_a_marked_signal() -> None:
    at = datetime(2026, 11, 28, 12, tzinfo=UTC)
    row = Feedback(
        1, 7, "c-7", "kyc", "review", at, False, "stale_data", "Old address on file.",
        (SignalMark("misleading", "kyc.address_mismatch", "moved in March"),),
    )  # fmt: skip
    report = build_report([row], WINDOW)
    signal = next(f for f in report.findings if f.kind == "misleading_signal")
    assert signal.examples[0].text == "moved in March" and signal.segment == "kyc"
    assert (
        next(f for f in report.findings if f.kind == "root_cause").examples[0].text == "Old address on file."
    )


def test_empty_and_silent_reports_say_so() -> None:
    assert "No human decisions in these dates" in markdown(build_report([], WINDOW))
    assert jsonl(build_report([], WINDOW)) == ""
    quiet = Feedback(1, 1, "c-1", "ato", "review", UNTIL - timedelta(hours=3), True)
    text = markdown(build_report([quiet], WINDOW))
    assert "No reviewer feedback in the window." in text and "No signal was marked." in text


def test_long_reports_count_root_causes_per_week() -> None:
    long = Window(UNTIL - timedelta(days=30), UNTIL, UNTIL - timedelta(days=120))
    assert long.period == "week" and long.periods()[-1] == "2026-W49"
    assert WINDOW.period == "day" and len(WINDOW.periods()) == BASELINE_DAYS + 7
