"""The dashboard's presentation: locale-aware formatting, translated chart labels, the charts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from roca.oversight import charts
from roca.oversight.schemas import Dashboard
from roca.web.i18n import translations

DASH = "—"  # a figure with nothing to show


@dataclass(frozen=True)
class Formats:
    """Number formatting in the page's locale, for the template."""

    locale: str

    def percent(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return DASH
        pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
        return format_percent(value, pattern, locale=self.locale)

    def number(self, value: float | None, digits: int = 2) -> str:
        if value is None:
            return DASH
        return format_decimal(round(value, digits), locale=self.locale)


def segment_names(locale: str) -> dict[str, str]:
    _ = translations(locale).gettext
    return {"ato": _("Account takeover"), "fraud": _("Payment fraud"), "kyc": _("KYC"), "kyb": _("KYB")}


def draw_charts(board: Dashboard, locale: str) -> dict[str, Markup]:
    """Both charts as inline SVG (trusted markup: matplotlib's output, with escaped labels)."""
    _ = translations(locale).gettext
    names = segment_names(locale)
    return {
        "automation": Markup(_automation(board, locale, names, _)),  # noqa: S704 (our own SVG)
        "coverage": Markup(_coverage(board, names, _)),  # noqa: S704
    }


def _automation(board: Dashboard, locale: str, names: dict[str, str], _: Callable[[str], str]) -> str:
    texts = charts.AutomationTexts(
        title=_("Automation rate per day"),
        x_label=_("Day (UTC)"),
        y_label=_("Decided automatically"),
        empty=_("No decisions in the last 30 days."),
    )
    days = [format_skeleton("MMMd", day, locale=locale) for day in board.daily.days]
    series = {names.get(ct, ct): rates for ct, rates in board.daily.rates.items()}
    return charts.automation_chart(days, series, texts)


def _coverage(board: Dashboard, names: dict[str, str], _: Callable[[str], str]) -> str:
    texts = charts.CoverageTexts(
        title=_("Estimated error versus coverage"),
        x_label=_("Share of cases decided automatically"),
        y_label=_("Estimated error"),
        auto_act=_("Auto-act side"),
        auto_clear=_("Auto-clear side"),
        current=_("Threshold in force"),
        alpha=_("Guaranteed error (alpha)"),
        empty=_("Not enough labelled cases"),
    )
    labelled = _("labelled: %(count)s")
    panels = [
        (f"{names.get(s.case_type, s.case_type)} ({labelled % {'count': s.coverage.labelled}})", s.coverage)
        for s in board.segments
    ]
    return charts.coverage_chart(panels, texts)
