"""The blind-spot report as Markdown for people and as JSON lines for notebooks (pure)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from roca.learning.blindspots import BlindSpotReport, Finding, FindingKind, Window
from roca.review.feedback import ROOT_CAUSES

TOP_FINDINGS = 10
TIMELINE_CODES = 6  # root-cause columns in the over-time table; the rest are summed
EXAMPLE_CHARS = 240
TASK_NAMES = {"qa": "QA audit", "review": "review", "shadow": "shadow review"}
KIND_TITLES: dict[FindingKind, str] = {
    "root_cause": "Root cause",
    "missing_signal": "Signal named missing",
    "misleading_signal": "Signal marked misleading",
    "annotation_cluster": "Annotation cluster",
}


def headline(finding: Finding) -> str:
    """One line naming the finding, with the bilingual label of a root cause."""
    if finding.kind == "root_cause":
        return f"{KIND_TITLES[finding.kind]} `{finding.key}`: {root_cause_label(finding.key)}"
    return f"{KIND_TITLES[finding.kind]} `{finding.key}`"


def root_cause_label(code: str) -> str:
    cause = ROOT_CAUSES.get(code)
    return f"{cause.meaning_en} · {cause.label_zh}" if cause else "unknown code"


def jsonl(report: BlindSpotReport) -> str:
    """One JSON object per finding, best first."""
    return "".join(json.dumps(_record(rank, f, report.window), ensure_ascii=False) + "\n"
                   for rank, f in enumerate(report.findings, 1))  # fmt: skip


def markdown(report: BlindSpotReport, top: int = TOP_FINDINGS) -> str:
    lines = ["# Blind-spot report · 盲点报告", "", _span(report.window), ""]
    if report.empty:
        lines += ["No human decisions in these dates, so reviewers have told ROCA nothing yet.", ""]
        return "\n".join(lines)
    lines += _summary(report) + _top(report, top) + _root_causes(report) + _timeline(report)
    lines += _signals(report) + _clusters(report)
    return "\n".join(lines)


def _record(rank: int, finding: Finding, window: Window) -> dict[str, Any]:
    record: dict[str, Any] = {
        "rank": rank, "type": finding.kind, "segment": finding.segment, "key": finding.key,
        "count": finding.count, "baseline_count": finding.baseline_count,
        "lift": round(finding.lift, 4), "score": round(finding.score, 4),
        "overturns": finding.overturns, "qa_audits": finding.qa_audits,
        "examples": [{"case_id": e.case_id, "external_id": e.external_id, "task_kind": e.task_kind,
                      "text": e.text} for e in finding.examples],
        "leaned_on": [{"signal": s, "count": n} for s, n in finding.leaned_on],
        "by_period": dict(finding.by_period),
        "window": {"since": window.since.isoformat(), "until": window.until.isoformat(),
                   "baseline_since": window.baseline_since.isoformat()},
    }  # fmt: skip
    if finding.kind == "root_cause" and finding.key in ROOT_CAUSES:
        cause = ROOT_CAUSES[finding.key]
        record["label_en"], record["label_zh"] = cause.meaning_en, cause.label_zh
    if finding.terms:
        record["terms"] = list(finding.terms)
    return record


def _span(window: Window) -> str:
    return (
        f"Window **{_day(window.since)} – {_last_day(window.until)}** against the baseline "
        f"{_day(window.baseline_since)} – {_last_day(window.since)} (UTC)."
    )


def _summary(report: BlindSpotReport) -> list[str]:
    rows = [
        [segment, v.decisions, v.overturns, _share(v.overturns, v.decisions), v.baseline_decisions,
         v.baseline_overturns, _share(v.baseline_overturns, v.baseline_decisions)]
        for segment, v in sorted(report.volumes.items())
    ]  # fmt: skip
    return [
        "## Summary",
        "",
        "Findings are ranked by count x ln(1 + lift): lift compares a finding's rate per human "
        "decision in the window with the baseline (smoothed), so what is both frequent and new comes "
        "first.",
        "",
        *_table(
            ["segment", "decisions", "overturned", "share", "baseline decisions", "overturned", "share"], rows
        ),
        "",
    ]


def _top(report: BlindSpotReport, top: int) -> list[str]:
    findings = report.top(top)
    if not findings:
        return ["## Top findings", "", "No reviewer feedback in the window.", ""]
    rows = [
        [rank, headline(f), f.segment, f.count, f.baseline_count, f"x{f.lift:.1f}", f.overturns,
         f"{f.score:.1f}"]
        for rank, f in enumerate(findings, 1)
    ]  # fmt: skip
    lines = ["## Top findings", "", *_table(["#", "finding", "segment", "window", "baseline", "lift",
                                             "overturns", "score"], rows), ""]  # fmt: skip
    for rank, finding in enumerate(findings, 1):
        lines += _detail(rank, finding)
    return lines


def _detail(rank: int, finding: Finding) -> list[str]:
    lines = [f"### {rank}. {headline(finding)} ({finding.segment})", ""]
    lines.append(
        f"{finding.count} in the window, {finding.baseline_count} in the baseline; "
        f"{finding.overturns} overturned ROCA, {finding.qa_audits} found by QA audits."
    )
    if finding.leaned_on:
        leaned = ", ".join(f"`{signal}` ({n})" for signal, n in finding.leaned_on)
        lines.append(f"ROCA leaned most on: {leaned}.")
    lines += ["", *_examples(finding), ""]
    return lines


def _examples(finding: Finding) -> list[str]:
    return [
        f"- case {e.case_id} (`{e.external_id}`, {TASK_NAMES.get(e.task_kind or '', 'decision')})"
        + (f": “{_clip(e.text)}”" if e.text else "")
        for e in finding.examples
    ]


def _root_causes(report: BlindSpotReport) -> list[str]:
    causes = sorted(report.of_kind("root_cause"), key=lambda f: (f.segment, -f.count, f.key))
    rows = [
        [f.segment, f"`{f.key}`", root_cause_label(f.key), f.count, f.baseline_count,
         _share(f.overturns, f.count), f"x{f.lift:.1f}"]
        for f in causes
    ]  # fmt: skip
    header = ["segment", "root cause", "meaning · 含义", "window", "baseline", "overturn share", "lift"]
    return ["## Root causes per segment", "", *(_table(header, rows) if rows else ["None recorded."]), ""]


def _timeline(report: BlindSpotReport) -> list[str]:
    lines = [f"## Root causes over time (per {report.window.period})", ""]
    causes = report.of_kind("root_cause")
    if not causes:
        return [*lines, "None recorded.", ""]
    for segment in sorted({f.segment for f in causes}):
        mine = sorted((f for f in causes if f.segment == segment), key=lambda f: (-f.count, f.key))
        shown, rest = mine[:TIMELINE_CODES], mine[TIMELINE_CODES:]
        header = ["period", *(f"`{f.key}`" for f in shown)] + (["other causes"] if rest else [])
        rows = [[period, *(dict(f.by_period).get(period, 0) for f in shown)]
                + ([sum(dict(f.by_period).get(period, 0) for f in rest)] if rest else [])
                for period in report.periods]  # fmt: skip
        lines += [f"### {segment}", "", *_table(header, rows), ""]
    return lines


def _signals(report: BlindSpotReport) -> list[str]:
    marked = sorted(
        report.of_kind("missing_signal", "misleading_signal"), key=lambda f: (f.segment, -f.count, f.key)
    )
    rows = [
        [f.segment, "missing" if f.kind == "missing_signal" else "misleading", f"`{f.key}`", f.count,
         f.baseline_count, f"x{f.lift:.1f}", _cell(f.examples[0].text if f.examples else "")]
        for f in marked
    ]  # fmt: skip
    header = ["segment", "marked", "signal", "window", "baseline", "lift", "a reviewer's words"]
    body = _table(header, rows) if rows else ["No signal was marked."]
    return ["## Signals marked misleading or named missing", "", *body, ""]


def _clusters(report: BlindSpotReport) -> list[str]:
    """Clusters with cases in the window; those seen only in the baseline are just counted."""
    clusters = sorted(report.of_kind("annotation_cluster"), key=lambda f: (f.segment, -f.count, f.key))
    current = [f for f in clusters if f.count > 0]
    lines = ["## Annotation clusters", ""]
    if not current:
        lines += ["No two annotations in the window say the same thing.", ""]
    for f in current:
        lines += [f"### {f.segment}: {f.key}", ""]
        lines += [
            f"{f.count} in the window, {f.baseline_count} in the baseline ({f.overturns} overturned ROCA).",
            "",
        ]
        lines += [*_examples(f), ""]
    if len(current) < len(clusters):
        lines += [f"{len(clusters) - len(current)} more cluster(s) appear only in the baseline.", ""]
    return lines


def _table(header: list[str], rows: Iterable[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]


def _cell(value: object) -> str:
    return _clip(str(value)).replace("|", "\\|")


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXAMPLE_CHARS else flat[: EXAMPLE_CHARS - 1] + "…"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def _day(at: datetime) -> str:
    return at.date().isoformat()


def _last_day(until: datetime) -> str:
    """The last day inside a half-open [.., until) range."""
    return (until - timedelta(microseconds=1)).date().isoformat()
