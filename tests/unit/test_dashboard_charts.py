"""The dashboard's charts: inline SVG, the same bytes for the same figures, Chinese labels drawn."""

from __future__ import annotations

from roca.oversight import charts
from roca.oversight.coverage import CoverageCurves, coverage_curves

AUTOMATION = charts.AutomationTexts("自动化率", "日期（UTC）", "自动决定占比", "近 30 天没有决定。")
COVERAGE = charts.CoverageTexts("误差与覆盖率", "自动化占比", "估计误差", "自动处置侧", "自动放行侧",
                                "现行阈值", "保证误差", "已标注案件不足")  # fmt: skip


def _curves() -> CoverageCurves:
    probabilities = [i / 200 for i in range(200)]
    return coverage_curves(
        probabilities, [p > 0.5 for p in probabilities], [1.0] * 200, auto_act=0.9, alpha=0.01
    )


def test_charts_are_deterministic_inline_svg() -> None:
    days = [f"11月{d}日" for d in range(1, 31)]
    series = {"账户盗用": [0.5 if d % 2 else None for d in range(30)]}
    first = charts.automation_chart(days, series, AUTOMATION)
    assert first == charts.automation_chart(days, series, AUTOMATION)
    assert first.startswith('<svg role="img" aria-label="自动化率"') and "<?xml" not in first
    assert "<dc:date>" not in first and "<dc:creator>" not in first  # no timestamp, nothing that varies
    panels = [("账户盗用", _curves()), ("KYC", coverage_curves([], [], []))]
    coverage = charts.coverage_chart(panels, COVERAGE)
    assert coverage == charts.coverage_chart(panels, COVERAGE)
    assert coverage.count("<svg") == 1


def test_chinese_labels_use_the_cjk_font_when_installed() -> None:
    svg = charts.automation_chart(["1"], {}, AUTOMATION)  # an empty chart still says why
    if charts.CJK_FONT in charts.font_families():
        assert "NotoSansCJK" in svg  # glyph outlines come from Noto Sans CJK
    assert "DejaVuSans" in svg
