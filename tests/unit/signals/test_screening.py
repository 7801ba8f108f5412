"""Watchlist screening: normalisation, pinyin, name order, dates of birth, the OpenSanctions loader, speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from roca.signals.context import NameScreen
from roca.signals.screening import (
    DOB_MISMATCH_PENALTY,
    MATCH_THRESHOLD,
    Watchlist,
    WatchlistEntry,
    load_opensanctions_csv,
    name_tokens,
    normalise_name,
    threshold_of,
)

SAMPLE = Path(__file__).parent / "data" / "targets.simple.sample.csv"


def _list(*entries: WatchlistEntry, **options: float) -> Watchlist:
    return Watchlist(entries, **options)


LI_WEI = WatchlistEntry("e-li-wei", "Li Wei", birth_dates=("1988-07-02",))
LI_WEIMING = WatchlistEntry("e-li-weiming", "Li Weiming")


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("  JOÃO  P.  Silva ", "joao p silva"),
        ("José-María O'Brien", "jose maria o brien"),
        ("Łukasz Ørsted", "lukasz orsted"),
        ("李伟", "li wei"),
        ("欧阳娜娜", "ou yang na na"),
        ("吕布", "lyu bu"),
        ("張曉明", "zhang xiao ming"),
        ("Mr. Li Wei", "li wei"),
        ("Blue Harbor Digital Ltd.", "blue harbor digital"),
        ("Ltd", "ltd"),  # a name that is only noise keeps its noise
    ],
)
def test_names_are_normalised(written: str, normal: str) -> None:
    assert normalise_name(written) == normal


def test_empty_names_have_no_tokens_and_match_nothing() -> None:
    assert name_tokens(" .- ") == ()
    assert _list(LI_WEI).best_match("  ") == (0.0, None)


@pytest.mark.parametrize("query", ["Li Wei", "LI WEI", "Wei Li", "李伟", "li-wei", "Liwei", "WEI, Li"])
def test_chinese_and_swapped_names_find_li_wei(query: str) -> None:
    score, entry = _list(LI_WEI, LI_WEIMING).best_match(query)
    assert entry == "e-li-wei"
    assert score >= MATCH_THRESHOLD


@pytest.mark.parametrize("query", ["Li Weiming", "李伟明", "Weiming Li"])
def test_an_extra_given_name_syllable_is_another_person(query: str) -> None:
    score, _ = _list(LI_WEI).best_match(query)
    assert score < MATCH_THRESHOLD


@pytest.mark.parametrize("query", ["Li Wei", "李伟", "Wei Li"])
def test_li_wei_does_not_match_li_weiming(query: str) -> None:
    score, _ = _list(LI_WEIMING).best_match(query)
    assert score < MATCH_THRESHOLD


def test_the_longer_name_finds_its_own_entry() -> None:
    assert _list(LI_WEI, LI_WEIMING).best_match("李伟明") == (1.0, "e-li-weiming")


def test_a_spelling_slip_still_matches_but_a_different_surname_does_not() -> None:
    watchlist = _list(WatchlistEntry("e-1", "Marcus Odeh"), WatchlistEntry("e-2", "Li Wei"))
    assert watchlist.best_match("Marcus Ode")[0] >= MATCH_THRESHOLD
    assert watchlist.best_match("Lu Wei")[0] < MATCH_THRESHOLD
    assert watchlist.best_match("Zhang San") == (0.0, None)


def test_a_different_date_of_birth_lowers_the_score_below_the_threshold() -> None:
    watchlist = _list(LI_WEI)
    assert watchlist.best_match("Li Wei", "1988-07-02") == (1.0, "e-li-wei")
    score, entry = watchlist.best_match("Li Wei", "1990-01-01")
    assert entry == "e-li-wei"
    assert score == pytest.approx(1.0 - DOB_MISMATCH_PENALTY)
    assert score < MATCH_THRESHOLD
    found = watchlist.match("Li Wei", "1990-01-01")
    assert found is not None
    assert found.dob_mismatch
    assert found.name_score == 1.0


def test_partial_birth_dates_agree_by_prefix_and_unknown_ones_do_not_penalise() -> None:
    year_only = WatchlistEntry("e-y", "Marcus Odeh", birth_dates=("1979", "1980"))
    unknown = WatchlistEntry("e-u", "Anna Novak")
    watchlist = _list(year_only, unknown)
    assert watchlist.best_match("Marcus Odeh", "1980-12-19") == (1.0, "e-y")
    assert watchlist.best_match("Anna Novak", "1970-01-01") == (1.0, "e-u")


def test_the_namesake_with_the_matching_birth_date_wins() -> None:
    other = WatchlistEntry("e-other", "Li Wei", birth_dates=("1970-01-01",))
    assert _list(other, LI_WEI).best_match("李伟", "1988-07-02") == (1.0, "e-li-wei")
    assert _list(LI_WEI, other).best_match("李伟", "1970-01-01") == (1.0, "e-other")


def test_threshold_and_penalty_are_configurable() -> None:
    lenient = _list(LI_WEI, threshold=0.7, dob_mismatch_penalty=0.0)
    assert lenient.best_match("Li Wei", "1990-01-01") == (1.0, "e-li-wei")
    assert threshold_of(lenient) == 0.7

    class Bare:
        def best_match(self, name: str, date_of_birth: str | None = None) -> tuple[float, str | None]:
            return (0.0, None)

    assert threshold_of(Bare()) == MATCH_THRESHOLD


def test_company_names_ignore_legal_forms() -> None:
    watchlist = _list(WatchlistEntry("c-1", "Northwind Shadow Trading Limited", schema="Company"))
    assert watchlist.best_match("NORTHWIND SHADOW TRADING LTD") == (1.0, "c-1")


def test_load_opensanctions_sample_keeps_people_and_entities_flagged() -> None:
    watchlist = load_opensanctions_csv(SAMPLE)
    screen: NameScreen = watchlist  # the protocol the signals read
    by_id = {e.id: e for e in watchlist.entries}
    assert len(watchlist) == 7  # the vessel row is not a name anyone onboards with
    assert "roca-test-v-001" not in by_id
    person, company = by_id["roca-test-p-001"], by_id["roca-test-c-001"]
    assert person.is_person
    assert person.aliases == ("李伟", "Lee Wai")
    assert person.countries == ("CN", "HK")
    assert by_id["roca-test-p-002"].birth_dates == ("1979", "1980")
    assert not company.is_person
    assert {e.schema for e in watchlist.entries if not e.is_person} == {
        "Company",
        "Organization",
        "LegalEntity",
    }
    assert screen.best_match("Wei Li", "1988-07-02") == (1.0, "roca-test-p-001")
    assert screen.best_match("张晓明") == (1.0, "roca-test-p-004")
    assert screen.best_match("Lee Wai") == (1.0, "roca-test-p-001")
    assert screen.best_match("Ivana Petrovic")[1] == "roca-test-p-003"
    assert load_opensanctions_csv(SAMPLE, threshold=0.95).threshold == 0.95
