"""The closed loop's report: ``report.json`` (every figure), ``report.md`` and three PNG charts
(automation, true vs QA-estimated error, workload and backlog) with markers for promotions,
contractions and the start of the novel campaign."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from roca.learning.loop_config import LoopConfig, LoopResult
from roca.learning.loop_metrics import (
    DayRecord,
    error_windows,
    novel_figures,
    overall_true_error,
    rounded,
    trailing_qa,
    withdrawal_nights,
)

TARGET_AUTOMATION = 0.60  # the acceptance figure for the last day
DAY_HEADER = (
    "| day | cases | automated | act / clear | true error | QA audits (wrong) | QA estimate [upper, 5 days] "
    "| reviews | backlog | labels | thresholds in force | night |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
)
CHARTS = {"automation": "automation.png", "errors": "errors.png", "workload": "workload.png"}
_STYLE: dict[Any, Any] = {
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}


def summary(result: LoopResult) -> dict[str, Any]:
    """The headline figures and the acceptance checks."""
    config, days = result.config, result.days
    windows = error_windows(days)
    overall = overall_true_error(days)
    worst = max((w.error for w in windows if w.error is not None), default=None)
    last = days[-1].automation_rate if days else 0.0
    figures: dict[str, Any] = {
        "days": len(days),
        "cases": sum(d.cases_in for d in days),
        "automated": sum(d.automated for d in days),
        "auto_errors": sum(d.auto_errors for d in days),
        "automation_first_day": rounded(days[0].automation_rate) if days else None,
        "automation_last_day": rounded(last),
        "automation_max": rounded(max((d.automation_rate for d in days), default=0.0)),
        "true_error_overall": rounded(overall, 5),
        "true_error_worst_window": rounded(worst, 5),
        "human_decisions": sum(d.reviews + d.audits for d in days),
        "human_error_rate": rounded(_human_error_rate(days), 5),
        "promotions": [d.day for d in days if d.promoted],
        "policy_versions": [(d.day, d.new_policy) for d in days if d.new_policy],
        "contractions": [(d.day, text) for d in days for text in d.contractions],
        "seconds": round(result.seconds, 1),
        "checks": {
            "automation_starts_at_zero": bool(days) and days[0].automated == 0,
            "automation_last_day_at_least_60pct": last >= TARGET_AUTOMATION,
            "true_error_overall_at_most_alpha": overall is None or overall <= config.alpha,
            "true_error_every_window_at_most_alpha": worst is None or worst <= config.alpha,
        },
    }
    if config.novel_from is not None:
        figures["novel"] = asdict(novel_figures(days, config.novel_from))
    return figures


def _human_error_rate(days: list[DayRecord]) -> float | None:
    decided = sum(d.reviews + d.audits for d in days)
    return sum(d.human_errors for d in days) / decided if decided else None


def write_report(result: LoopResult, out: Path) -> Path:
    """Write report.json, report.md and the charts into ``out``; returns the Markdown path."""
    out.mkdir(parents=True, exist_ok=True)
    qa = trailing_qa(result.days, result.config.delta)
    rows = []
    for record, estimate in zip(result.days, qa, strict=True):
        row = record.as_dict()
        row["qa_window"] = asdict(estimate)
        rows.append(row)
    document = {
        "config": asdict(result.config),
        "summary": summary(result),
        "windows": [asdict(w) | {"error": w.error} for w in error_windows(result.days)],
        "days": rows,
        "status_counts": result.status_counts,
    }
    (out / "report.json").write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
    _charts(result, qa, out)
    path = out / "report.md"
    path.write_text(_markdown(result, document), encoding="utf-8")
    return path


# -- Markdown ----------------------------------------------------------------------------------------


def _markdown(result: LoopResult, document: dict[str, Any]) -> str:
    config, head = result.config, document["summary"]
    checks = "\n".join(f"| {name.replace('_', ' ')} | {'yes' if ok else '**no**'} |"
                       for name, ok in head["checks"].items())  # fmt: skip
    windows = "\n".join(
        f"| {w['first']}-{w['last']} | {w['automated']:,} | {w['errors']} | {_pct(w['error'], 2)} |"
        for w in document["windows"]
    )
    days = "\n".join(_day_row(row) for row in document["days"])
    contractions = "\n".join(f"- day {day}: {text}" for day, text in head["contractions"]) or "- none"
    novel = _novel_section(head.get("novel"))
    overall = f"{_pct(head['true_error_overall'], 2)} ({head['auto_errors']} of {head['automated']:,})"
    title = f"seed {config.seed}, {config.days} days x {config.per_day} {config.case_type} cases"
    return f"""# Closed loop: {title}

{_setup(config)} Run time {head["seconds"]} s.

| figure | value |
|---|---:|
| automation, first day | {_pct(head["automation_first_day"])} |
| automation, last day | {_pct(head["automation_last_day"])} |
| true error among automatic decisions, overall | {overall} |
| true error, worst 5-day window | {_pct(head["true_error_worst_window"], 2)} |
| human decisions / their error rate | {head["human_decisions"]:,} / {_pct(head["human_error_rate"], 2)} |
| promotions (days) | {", ".join(map(str, head["promotions"])) or "none"} |

| acceptance check | met |
|---|---|
{checks}

![automation]({CHARTS["automation"]})

![errors]({CHARTS["errors"]})

![workload]({CHARTS["workload"]})

## True error in 5-day windows

| days | automated | wrong | true error |
|---|---:|---:|---:|
{windows}

## Contractions by the drift monitor
{contractions}
{novel}
## Day by day

{DAY_HEADER}
{days}

Cases by final status: {", ".join(f"{k} {v:,}" for k, v in sorted(document["status_counts"].items()))}.
"""


def _setup(config: LoopConfig) -> str:
    def given(value: object) -> str:
        return "the deployment's" if value is None else str(value)

    novel = config.novel_from if config.novel_from is not None else "-"
    return (
        f"{config.reviewers} reviewers and {config.qa_analysts} QA analysts, {config.capacity} tasks a day "
        f"each ({config.speed:g} an hour), {config.reviewer_error:.1%} error; alpha {config.alpha:g}, "
        f"delta {config.delta:g}; held-out share {given(config.eval_share)}, minimum labelled "
        f"{given(config.min_labelled)}, QA rate {given(config.qa_rate)}; novel campaign from day {novel}."
    )


def _day_row(row: dict[str, Any]) -> str:
    qa = row["qa_window"]
    estimate = f"{_pct(qa['estimate'], 2)} [{_pct(qa['upper'], 1)}]" if qa["audits"] else "-"
    band = f"{_num(row['auto_clear_threshold'])} / {_num(row['auto_act_threshold'])}"
    night = "promoted" if row["promoted"] else "kept"
    if row["new_policy"]:
        night += f", policy {row['new_policy']}"
    if row["contractions"]:
        night += ", **contracted**"
    return (
        f"| {row['day']} | {row['cases_in']} | {_pct(row['automation_rate'])} | {row['auto_act']} / "
        f"{row['auto_clear']} | {_pct(row['true_error'], 2)} | {row['audits']} ({row['audit_errors']}) | "
        f"{estimate} | {row['reviews']} | {row['backlog']} | {row['labels']:,} | {band} | {night} |"
    )


def _novel_section(novel: dict[str, Any] | None) -> str:
    if not novel:
        return ""
    before_after = f"{_pct(novel['automation_before'])} / {_pct(novel['automation_last'])}"
    contracted = ", ".join(map(str, novel["contraction_days"])) or "none"
    return f"""
## The novel campaign (from day {novel["start_day"]})

| figure | value |
|---|---|
| first audited error on a campaign case | day {novel["first_audit_error_day"]} |
| contractions after the start (monitor, or a night withdrawing every threshold) | days {contracted} |
| days from the first audited error to the contraction | {novel["detection_delay_days"]} |
| automation before the campaign / on the last day | {before_after} |
| automation back to 80 % of its earlier level | day {novel["recovery_day"]} |
"""


def _pct(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


# -- charts ------------------------------------------------------------------------------------------


def _charts(result: LoopResult, qa: list[Any], out: Path) -> None:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    days = result.days
    x = [d.day for d in days]
    with rc_context(_STYLE):
        figure = Figure(figsize=(10, 4.2), dpi=120, layout="constrained")
        ax = figure.add_subplot()
        ax.stackplot(x, [d.auto_clear / max(d.cases_in, 1) for d in days],
                     [d.auto_act / max(d.cases_in, 1) for d in days],
                     labels=["auto-clear", "auto-act"], colors=["#8fbcd4", "#d48f8f"], alpha=0.8)  # fmt: skip
        ax.plot(x, [d.automation_rate for d in days], color="#1f4e79", marker="o", ms=3, label="automated")
        ax.axhline(TARGET_AUTOMATION, color="grey", ls=":", lw=1, label="60 % target")
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of the day's cases decided by ROCA")
        _markers(ax, result)
        ax.set_title("Automation rate per day")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False, fontsize=8, ncols=6)
        figure.savefig(out / CHARTS["automation"], facecolor="white")

        figure = Figure(figsize=(10, 4.2), dpi=120, layout="constrained")
        ax = figure.add_subplot()
        alpha = result.config.alpha
        true = [d.true_error for d in days]
        ax.plot(x, [v if v is not None else float("nan") for v in true], "o-", color="#b22222", ms=3,
                label="true error (ground truth)")  # fmt: skip
        estimate = [q.estimate if q.estimate is not None else float("nan") for q in qa]
        upper = [q.upper if q.upper is not None else float("nan") for q in qa]
        ax.plot(x, estimate, "s--", color="#1f4e79", ms=3, label="QA estimate (5 days, 1/pi weights)")
        ax.plot(
            x,
            upper,
            color="#1f4e79",
            lw=0.8,
            alpha=0.6,
            label=f"QA upper bound (1 - delta = {1 - result.config.delta:g})",
        )
        ax.axhline(alpha, color="black", lw=1.2, label=f"alpha = {alpha:g}")
        worst = max((v for v in true if v is not None), default=0.0)
        ax.set_ylim(0, min(0.15, max(4 * alpha, 0.05, 1.15 * worst)))  # every true error in view
        ax.set_ylabel("error among automatic decisions")
        _markers(ax, result)
        ax.set_title("True vs QA-estimated error (bound clipped at the top)")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False, fontsize=8, ncols=4)
        figure.savefig(out / CHARTS["errors"], facecolor="white")

        figure = Figure(figsize=(10, 4.2), dpi=120, layout="constrained")
        ax = figure.add_subplot()
        ax.bar(x, [d.reviews for d in days], color="#8fbcd4", label="reviews")
        ax.bar(
            x, [d.audits for d in days], bottom=[d.reviews for d in days], color="#e0b35a", label="QA audits"
        )
        ax.plot(x, [d.cases_in for d in days], color="grey", ls=":", label="cases in")
        ax.plot(x, [d.backlog for d in days], color="#b22222", marker="o", ms=3, label="backlog at day end")
        ax.set_ylabel("tasks")
        _markers(ax, result)
        ax.set_title("Reviewer workload and backlog")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False, fontsize=8, ncols=6)
        figure.savefig(out / CHARTS["workload"], facecolor="white")


def _markers(ax: Any, result: LoopResult) -> None:
    """Promotions (green triangles along the top), contractions (red: dashed by the monitor, dotted
    by a night's recertification), the novel campaign's start (purple)."""
    promoted = [d.day + 0.5 for d in result.days if d.promoted]  # promotions happen at night
    if promoted:
        ax.plot(promoted, [0.97] * len(promoted), "v", color="#2e8b57", ms=5,
                transform=ax.get_xaxis_transform(), label="promotion (night)")  # fmt: skip
    for index, day in enumerate(d.day for d in result.days if d.contractions):
        label = "contraction (monitor)" if index == 0 else None
        ax.axvline(day, color="#b22222", ls="--", lw=1.2, label=label)
    for index, night in enumerate(sorted(withdrawal_nights(result.days))):
        label = "thresholds withdrawn (night)" if index == 0 else None
        ax.axvline(night + 0.5, color="#b22222", ls=":", lw=1.2, label=label)
    if result.config.novel_from is not None:
        ax.axvline(result.config.novel_from - 0.5, color="#6a3d9a", lw=1.5, label="novel campaign starts")
    ax.set_xlabel("simulated day")
