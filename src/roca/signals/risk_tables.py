"""Country and business-category risk tables, read once from the CSVs in ``roca/signals/data``.

The lists themselves (and their sources and dates) live in the CSV files so that compliance can update
them without touching code; this module only parses them lazily and answers lookups.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

FATF_CALL_FOR_ACTION = "fatf_call_for_action"
FATF_INCREASED_MONITORING = "fatf_increased_monitoring"
OFFSHORE = "offshore"
FATF_LISTS = frozenset({FATF_CALL_FOR_ACTION, FATF_INCREASED_MONITORING})

# Levels are ints so that a signal's value stays numeric: 0 = not listed.
COUNTRY_LEVELS = {"elevated": 1, "high": 2}
CATEGORY_LEVELS = {"low": 0, "medium": 1, "high": 2}

LIST_LABELS: dict[str, tuple[str, str]] = {
    FATF_CALL_FOR_ACTION: ("FATF call-for-action list", "FATF 呼吁采取行动名单"),
    FATF_INCREASED_MONITORING: ("FATF increased-monitoring (grey) list", "FATF 加强监控名单（灰名单）"),
    OFFSHORE: ("offshore secrecy jurisdiction", "离岸保密司法管辖区"),
}


@dataclass(frozen=True, slots=True)
class CountryRisk:
    fatf_level: int = 0  # 2 call for action, 1 increased monitoring, 0 neither
    offshore: bool = False
    lists: tuple[str, ...] = ()

    @property
    def jurisdiction_level(self) -> int:
        """For where a company is incorporated: an offshore registry counts as elevated."""
        return max(self.fatf_level, 1 if self.offshore else 0)


NO_COUNTRY_RISK = CountryRisk()


def _rows(file_name: str) -> Iterator[dict[str, str]]:
    text = resources.files("roca.signals").joinpath("data", file_name).read_text(encoding="utf-8")
    # The files open with '#' comments naming their sources; csv has no notion of comments.
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    yield from csv.DictReader(lines)


@cache
def _country_table() -> dict[str, CountryRisk]:
    table: dict[str, CountryRisk] = {}
    for row in _rows("country_risk.csv"):
        code = row["country"].strip().upper()
        listed = row["list"].strip()
        known = table.get(code, NO_COUNTRY_RISK)
        level = COUNTRY_LEVELS[row["risk"].strip()] if listed in FATF_LISTS else 0
        table[code] = CountryRisk(
            fatf_level=max(known.fatf_level, level),
            offshore=known.offshore or listed == OFFSHORE,
            lists=(*known.lists, listed),
        )
    return table


@cache
def _category_table() -> dict[str, int]:
    return {
        normalise_category(row["category"]): CATEGORY_LEVELS[row["risk"].strip()]
        for row in _rows("business_category_risk.csv")
    }


def country_risk(country: str | None) -> CountryRisk:
    if not country:
        return NO_COUNTRY_RISK
    return _country_table().get(country.strip().upper(), NO_COUNTRY_RISK)


def normalise_category(category: str) -> str:
    return "_".join(category.strip().lower().replace("-", " ").replace("/", " ").split())


def category_risk(category: str | None) -> int | None:
    """0 low, 1 medium, 2 high; None when the category is missing or not in the table."""
    if not category:
        return None
    return _category_table().get(normalise_category(category))


def list_labels(lists: tuple[str, ...], language: str) -> str:
    index = 1 if language == "zh" else 0
    separator = "、" if language == "zh" else ", "
    return separator.join(LIST_LABELS[name][index] for name in lists if name in LIST_LABELS)
