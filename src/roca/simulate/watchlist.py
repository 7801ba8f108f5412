"""A synthetic sanctions/PEP list in OpenSanctions' ``targets.simple.csv`` format.

Latin and Chinese-character names with the aliases real lists carry (other romanisations, family
name first, initials), people and companies.  The most common Chinese names are on it too, with one
date of birth each: applicants who merely share such a name are the classic false hit.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from roca.simulate import geo
from roca.simulate.names import COMMON_CHINESE, PersonName, chinese_name, latin_name
from roca.simulate.rng import chance, pick, stream

COLUMNS = (
    "id", "schema", "name", "aliases", "birth_date", "countries", "addresses", "identifiers", "sanctions",
    "phones", "emails", "dataset", "first_seen", "last_seen", "last_change",
)  # fmt: skip
PROGRAMMES = (
    "Synthetic Sanctions Programme - Cyber-enabled fraud",
    "Synthetic Sanctions Programme - Money laundering network",
    "Synthetic Sanctions Programme - Sanctions evasion",
    "Synthetic Export Control List",
)
CHINESE_STYLES = ("zh", "zh", "zh_hk", "zh_tw")
LATIN_STYLES = ("en", "ru", "uk", "ar", "tr", "yo", "es", "pt", "fr", "de", "vi", "ko", "hi")
COMPANY_WORDS = (
    ("Golden", "金"), ("Harbour", "港"), ("Star", "星"), ("Dragon", "龙"), ("Pacific", "太平洋"),
    ("Crest", "冠"), ("Jade", "玉"), ("Phoenix", "凤凰"), ("Silk Road", "丝路"), ("Orient", "东方"),
)  # fmt: skip
COMPANY_TRADES = (
    ("Trading", "贸易"), ("Digital", "数字"), ("Capital", "资本"), ("Logistics", "物流"),
    ("Technology", "科技"), ("Holdings", "控股"),
)  # fmt: skip
COMPANY_JURISDICTIONS = ("HK", "SC", "VG", "AE", "KY", "SG", "CN", "PA", "MH", "RU", "TR")


@dataclass(frozen=True, slots=True)
class ListedParty:
    id: str
    schema: str  # Person | Company
    name: str
    aliases: tuple[str, ...]
    birth_date: str  # ISO date, or only the year when that is all the list knows
    countries: tuple[str, ...]  # upper-case ISO codes (written lower-case, as OpenSanctions does)
    sanctions: str
    dataset: str
    first_seen: str
    last_seen: str
    native: str | None = None  # Chinese characters, when the list has them
    registration: str = ""

    def row(self) -> dict[str, str]:
        return {
            "id": self.id,
            "schema": self.schema,
            "name": self.name,
            "aliases": ";".join(self.aliases),
            "birth_date": self.birth_date,
            "countries": ";".join(c.lower() for c in self.countries),
            "addresses": "",
            "identifiers": self.registration,
            "sanctions": self.sanctions,
            "phones": "",
            "emails": "",
            "dataset": self.dataset,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "last_change": self.first_seen,
        }


def _last_seen(start: date) -> str:
    return f"{(start - timedelta(days=1)).isoformat()}T00:00:00"  # still listed when the run starts


def birth_date(rng: random.Random, oldest: int = 1950, youngest: int = 2002) -> date:
    return date(oldest, 1, 1) + timedelta(days=rng.randint(0, (youngest - oldest) * 365))


def _aliases(rng: random.Random, name: PersonName, style: str) -> tuple[str, ...]:
    family, _, given = name.latin.partition(" ")
    aliases: list[str] = []
    if name.native:
        aliases.append(name.native)
        if style == "zh" and chance(rng, 0.3):
            aliases.append(f"{family.upper()} {given}")
    elif chance(rng, 0.5):
        aliases.append(f"{given} {family}")  # family name first, as some lists write it
    if chance(rng, 0.3):
        aliases.append(f"{given[0]}. {family}" if given else name.latin)
    return tuple(dict.fromkeys(aliases))


def _person(
    rng: random.Random, number: int, start: date, name: PersonName, style: str, country: str
) -> ListedParty:
    born = birth_date(rng)
    seen = start - timedelta(days=rng.randint(30, 2000))
    sanctioned = chance(rng, 0.7)
    return ListedParty(
        id=f"roca-sim-p-{number:04d}",
        schema="Person",
        name=name.latin,
        aliases=_aliases(rng, name, style),
        birth_date=born.isoformat() if chance(rng, 0.9) else str(born.year),
        countries=(country,),
        sanctions=pick(rng, PROGRAMMES) if sanctioned else "",
        dataset="roca_sim_sanctions" if sanctioned else "roca_sim_pep",
        first_seen=f"{seen.isoformat()}T00:00:00",
        last_seen=_last_seen(start),
        native=name.native,
    )


def _company(rng: random.Random, number: int, start: date) -> ListedParty:
    (word, word_zh), (trade, trade_zh) = pick(rng, COMPANY_WORDS), pick(rng, COMPANY_TRADES)
    jurisdiction = pick(rng, COMPANY_JURISDICTIONS)
    form = {"HK": "Limited", "SG": "Pte. Ltd.", "CN": "Co., Ltd.", "RU": "LLC"}.get(jurisdiction, "Ltd")
    name = f"{word} {pick(rng, ('Crest', 'Bridge', 'Way', 'Gate', 'Sun', 'Link'))} {trade} {form}"
    native = f"{word_zh}{trade_zh}有限公司" if jurisdiction in ("HK", "CN") or chance(rng, 0.2) else None
    seen = start - timedelta(days=rng.randint(30, 2000))
    return ListedParty(
        id=f"roca-sim-c-{number:04d}",
        schema="Company",
        name=name,
        aliases=(native,) if native else (),
        birth_date="",
        countries=(jurisdiction,),
        sanctions=pick(rng, PROGRAMMES),
        dataset="roca_sim_sanctions",
        first_seen=f"{seen.isoformat()}T00:00:00",
        last_seen=_last_seen(start),
        native=native,
        registration=f"{jurisdiction}-{rng.randint(100000, 999999)}",
    )


def build_watchlist(seed: int, start: date, people: int = 300, companies: int = 80) -> list[ListedParty]:
    rng = stream(seed, "watchlist")
    parties: list[ListedParty] = []
    for name in COMMON_CHINESE:  # one listed namesake each
        parties.append(_person(rng, len(parties) + 1, start, name, "zh", "CN"))
    while len(parties) < people:
        if chance(rng, 0.35):
            style = pick(rng, CHINESE_STYLES)
            home = {"zh": "CN", "zh_hk": "HK", "zh_tw": "TW"}[style]
            parties.append(_person(rng, len(parties) + 1, start, chinese_name(rng, style), style, home))
        else:
            style = pick(rng, LATIN_STYLES)
            home = pick(rng, [c.code for c in geo.countries().values() if c.name_style == style] or ["AE"])
            parties.append(_person(rng, len(parties) + 1, start, latin_name(rng, style), style, home))
    parties.extend(_company(rng, n + 1, start) for n in range(companies))
    return parties


def write_csv(path: Path, parties: list[ListedParty]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(party.row() for party in parties)
