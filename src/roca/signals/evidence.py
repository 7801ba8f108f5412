"""Small helpers shared by the KYC, KYB and fraud signals: labels, ages, networks, screening."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from roca.cases.schemas import Event
from roca.signals.context import NameScreen
from roca.signals.screening import threshold_of

# Networks that hide who is behind a session; residential and mobile carriers do not.
ANONYMISING_ASN = frozenset({"vpn", "tor", "hosting"})
NETWORK_LABELS: dict[str, tuple[str, str]] = {
    "vpn": ("a VPN", "虚拟专用网络（VPN）"),
    "tor": ("Tor", "洋葱网络（Tor）"),
    "hosting": ("a hosting provider", "机房/云服务器 IP"),
}
DOC_LABELS: dict[str, tuple[str, str]] = {
    "passport": ("passport", "护照"),
    "id_card": ("ID card", "身份证"),
    "driving_licence": ("driving licence", "驾驶证"),
    "selfie": ("selfie", "自拍照"),
    "proof_of_address": ("proof of address", "地址证明"),
}


def age_in_years(born: date, on: date) -> int:
    """Completed years, as on an identity document (negative if born after ``on``)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def accounts_en(count: int) -> str:
    return "1 account" if count == 1 else f"{count} accounts"


def network_params(event: Event | None) -> dict[str, str]:
    kind = event.asn_type if event is not None else None
    en, zh = NETWORK_LABELS.get(kind or "", ("an anonymising network", "匿名网络"))
    return {"network_en": en, "network_zh": zh}


def first_anonymising(events: Iterable[Event]) -> Event | None:
    """Tor first, then VPN, then hosting: the strongest evidence of hiding wins."""
    found = [e for e in events if e.asn_type in ANONYMISING_ASN]
    order = {"tor": 0, "vpn": 1, "hosting": 2}
    return min(found, key=lambda e: order[e.asn_type or "hosting"], default=None)


@dataclass(frozen=True, slots=True)
class ScreenHit:
    score: float
    entry_id: str | None
    name: str
    threshold: float

    @property
    def fired(self) -> bool:
        return self.entry_id is not None and self.score >= self.threshold


def screen_people(
    screen: NameScreen | None, people: Iterable[tuple[str | None, date | None]]
) -> ScreenHit | None:
    """The best watchlist hit over several (name, date of birth); None without a screen or a name."""
    if screen is None:
        return None
    threshold = threshold_of(screen)
    best: ScreenHit | None = None
    for name, born in people:
        if not name or not name.strip():
            continue
        score, entry_id = screen.best_match(name, born.isoformat() if born else None)
        if best is None or score > best.score:
            best = ScreenHit(round(score, 4), entry_id, name, threshold)
    return best
