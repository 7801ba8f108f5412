"""KYC cases: an applicant's identity documents, selfie and sign-up sessions.

Scenarios and the correct decision: genuine (approve); poor quality - expired, blurry, missing
selfie or identity document (request_info); forged document (reject); synthetic identity (reject);
watchlist true hit (reject); watchlist false hit on a common Chinese name (approve).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from roca.simulate import envelope, events, geo
from roca.simulate.background import local_daytime
from roca.simulate.events import Event
from roca.simulate.geo import Endpoint
from roca.simulate.identifiers import Device, consumer_device
from roca.simulate.names import PersonName, person_name, postal_address
from roca.simulate.rng import between, chance, clip, lognormal, pick, seconds, weighted
from roca.simulate.timeline import materialize, recent_timeline
from roca.simulate.watchlist import birth_date
from roca.simulate.world import Draft, World

KYC_MIX = {
    "genuine": 0.44,
    "poor_quality": 0.18,
    "forged_document": 0.12,
    "synthetic_identity": 0.10,
    "watchlist_true_hit": 0.05,
    "watchlist_false_hit": 0.11,
}
KYC_LABELS = {
    "genuine": "approve",
    "poor_quality": "request_info",
    "forged_document": "reject",
    "synthetic_identity": "reject",
    "watchlist_true_hit": "reject",
    "watchlist_false_hit": "approve",
}
MALICIOUS = frozenset({"forged_document", "synthetic_identity", "watchlist_true_hit"})
CHINESE_HOMES = {"CN": 0.45, "HK": 0.2, "TW": 0.2, "SG": 0.1, "MY": 0.05}
NATIVE_ID_CARDS = frozenset({"CN", "HK", "TW"})


@dataclass(slots=True)
class Applicant:
    account_id: str
    country: str
    language: str
    name: PersonName
    born: date
    created_t: int
    submitted_t: int
    kyc_level: int = 0
    timeline: list[Event] | None = None  # an existing account's history (upgrades only)


@dataclass(frozen=True, slots=True)
class Quality:
    tamper: float
    face: float | None
    liveness: float | None


def genuine_quality(rng: random.Random) -> Quality:
    face = clip(rng.gauss(0.9, 0.05), 0.55, 0.995) if chance(rng, 0.92) else between(rng, 0.6, 0.8)
    return Quality(clip(lognormal(rng, 0.05, 0.6), 0.005, 0.4), face, clip(rng.gauss(0.93, 0.04), 0.6, 0.999))


def _identity_doc(
    rng: random.Random, who: Applicant, today: date, tamper: float, **override: Any
) -> dict[str, Any]:
    doc_type = override.pop("doc_type", None) or _doc_type(rng, who.country)
    native = doc_type == "id_card" and who.country in NATIVE_ID_CARDS and who.name.native
    doc: dict[str, Any] = {
        "doc_type": doc_type,
        "issuing_country": who.country,
        "expiry_date": (today + timedelta(days=rng.randint(200, 3600))).isoformat(),
        "name": who.name.native if native else who.name.on_passport,
        "date_of_birth": who.born.isoformat(),
        "tamper_score": round(tamper, 3),
    }
    doc.update(override)
    return doc


def _doc_type(rng: random.Random, country: str) -> str:
    if country in NATIVE_ID_CARDS:
        return "id_card" if chance(rng, 0.65) else "passport"
    return weighted(rng, {"passport": 0.5, "id_card": 0.3, "driving_licence": 0.2})


def _selfie(quality: Quality) -> dict[str, Any]:
    selfie: dict[str, Any] = {"doc_type": "selfie"}
    if quality.face is not None:
        selfie["face_match_score"] = round(quality.face, 3)
    if quality.liveness is not None:
        selfie["liveness_score"] = round(quality.liveness, 3)
    return selfie


def _proof_of_address(who: Applicant, street: str) -> dict[str, Any]:
    return {
        "doc_type": "proof_of_address",
        "issuing_country": who.country,
        "name": who.name.latin,
        "address": street,
    }


def _standard_documents(
    rng: random.Random, who: Applicant, today: date, quality: Quality
) -> list[dict[str, Any]]:
    docs = [_identity_doc(rng, who, today, quality.tamper)]
    if chance(rng, 0.2):
        other = "passport" if docs[0]["doc_type"] != "passport" else "id_card"
        docs.append(_identity_doc(rng, who, today, quality.tamper, doc_type=other))
    docs.append(_selfie(quality))
    if chance(rng, 0.35):
        docs.append(_proof_of_address(who, postal_address(rng, who.country)))
    return docs


def _poor_documents(rng: random.Random, who: Applicant, today: date) -> tuple[list[dict[str, Any]], str]:
    flaw = weighted(rng, {"expired": 0.35, "blurry": 0.35, "no_selfie": 0.15, "no_identity_document": 0.15})
    quality = genuine_quality(rng)
    if flaw == "blurry":
        quality = Quality(between(rng, 0.2, 0.5), between(rng, 0.45, 0.78), between(rng, 0.45, 0.8))
    docs = _standard_documents(rng, who, today, quality)
    if flaw == "expired":
        docs[0]["expiry_date"] = (today - timedelta(days=rng.randint(1, 700))).isoformat()
    elif flaw == "no_selfie":
        docs = [d for d in docs if d["doc_type"] != "selfie"]
    elif flaw == "no_identity_document":
        docs = [_selfie(quality), _proof_of_address(who, postal_address(rng, who.country))]
    return docs, flaw


def _forged_documents(rng: random.Random, who: Applicant, today: date) -> list[dict[str, Any]]:
    tamper = between(rng, 0.5, 0.97) if chance(rng, 0.85) else between(rng, 0.25, 0.5)
    quality = Quality(tamper, between(rng, 0.35, 0.8), between(rng, 0.55, 0.97))
    docs = [_identity_doc(rng, who, today, tamper), _selfie(quality)]
    if chance(rng, 0.3):  # a second document from another batch: the dates do not agree
        other_born = who.born + timedelta(days=rng.choice((-1, 1)) * rng.randint(30, 3000))
        docs.insert(1, _identity_doc(rng, who, today, tamper * 0.8, doc_type="driving_licence",
                                     date_of_birth=other_born.isoformat()))  # fmt: skip
    if chance(rng, 0.2):
        docs[0]["expiry_date"] = (today + timedelta(days=rng.randint(3700, 5500))).isoformat()
    return docs


def _listed_identity(rng: random.Random, world: World) -> tuple[str, PersonName, date]:
    people = [p for p in world.watchlist[10:] if p.schema == "Person"]
    party = pick(rng, people)
    country = party.countries[0] if party.countries[0] in geo.countries() else "CN"
    latin = pick(rng, [party.name, *(a for a in party.aliases if a.isascii() and "." not in a)])
    born = party.birth_date
    dob = (
        date.fromisoformat(born)
        if len(born) == 10
        else date(int(born), rng.randint(1, 12), rng.randint(1, 28))
    )
    return country, PersonName(latin, party.native), dob


def _namesake_identity(rng: random.Random, world: World) -> tuple[str, PersonName, date]:
    party = pick(rng, world.watchlist[:10])  # the common names, listed first
    listed_year = int(party.birth_date[:4])
    born = birth_date(rng, 1958, 2004)
    while abs(born.year - listed_year) < 2:
        born = birth_date(rng, 1958, 2004)
    return weighted(rng, CHINESE_HOMES), PersonName(party.name, party.native), born


def _applicant(world: World, rng: random.Random, day: int, scenario: str) -> Applicant:
    if scenario in ("genuine", "poor_quality") and chance(rng, 0.2):  # an existing user upgrading
        account = world.population.pick(rng, "active", day)
        materialize(world.seed, account, day, world.start_t, world.config.history_days)
        submitted = local_daytime(rng, world.day_start(day), account.country.utc_offset)
        submitted = max(submitted, account.created_t + 3600)
        history = recent_timeline(account, submitted, world.config.history_days, world.config.history_cap)
        born = birth_date(rng, 1955, 2005)
        return Applicant(account.account_id, account.country.code, account.language, account.name, born,
                         account.created_t, submitted, account.kyc_level, history)  # fmt: skip
    if scenario == "watchlist_true_hit":
        country, name, born = _listed_identity(rng, world)
    elif scenario == "watchlist_false_hit":
        country, name, born = _namesake_identity(rng, world)
    else:
        country = weighted(rng, geo.country_weights())
        chinese = chance(rng, geo.country(country).zh_share)
        name, born = person_name(rng, geo.country(country).name_style, chinese), birth_date(rng, 1955, 2006)
    language = "zh" if name.native and chance(rng, 0.9) else "en"
    submitted = local_daytime(rng, world.day_start(day), geo.country(country).utc_offset)
    signup = submitted - seconds(lognormal(rng, 20, 1.0))
    return Applicant(world.new_account_id(), country, language, name, born, signup, submitted)


def _signup_sessions(
    rng: random.Random, who: Applicant, device: Device, entries: list[Endpoint]
) -> list[Event]:
    """Logins between sign-up and submission: the first at sign-up, the rest in between."""
    span = max(who.submitted_t - who.created_t, 1)
    times = [who.created_t, *sorted(who.created_t + rng.randint(0, span) for _ in entries[1:])]
    mfa = "none" if chance(rng, 0.6) else "email"
    return [events.login(rng, t, entry, device, mfa) for t, entry in zip(times, entries, strict=True)]


def _new_account_events(
    world: World, rng: random.Random, who: Applicant, scenario: str
) -> tuple[list[Event], str | None]:
    """Sign-up sessions; a synthetic identity signs up from its farm (returns the farm's address)."""
    home = geo.country(who.country) if who.country in geo.countries() else geo.country("SG")
    if scenario == "synthetic_identity":
        farm = pick(rng, world.underground.farms)
        entries = [pick(rng, farm.endpoints) for _ in range(rng.randint(1, 3))]
        street = pick(rng, farm.postal_addresses) if chance(rng, 0.9) else None
        return _signup_sessions(rng, who, pick(rng, farm.devices), entries), street
    ranges = (*home.residential, *home.mobile)
    entry = pick(rng, ranges).endpoint(rng)
    if scenario == "forged_document" and chance(rng, 0.4):
        entry = pick(rng, (*geo.VPN, *geo.HOSTING)).endpoint(rng)
    elif chance(rng, 0.04):  # privacy-minded genuine applicants
        entry = pick(rng, geo.VPN).endpoint(rng)
    return _signup_sessions(rng, who, consumer_device(rng), [entry] * rng.randint(1, 2)), None


def _documents(
    rng: random.Random, scenario: str, who: Applicant, today: date, street: str | None
) -> tuple[list[dict[str, Any]], str]:
    """The submission and what is wrong with it (the vendor's view: "" when nothing stands out)."""
    if scenario == "poor_quality":
        return _poor_documents(rng, who, today)
    if scenario == "forged_document":
        return _forged_documents(rng, who, today), "forged"
    docs = _standard_documents(rng, who, today, genuine_quality(rng))
    if street is not None:
        docs = [d for d in docs if d["doc_type"] != "proof_of_address"]
        docs.append(_proof_of_address(who, street))
    return docs, ""


def _kyc_alert(rng: random.Random, scenario: str, docs: list[dict[str, Any]], flaw: str) -> dict[str, Any]:
    tamper = max((d.get("tamper_score", 0.0) for d in docs), default=0.0)
    face = min((d["face_match_score"] for d in docs if "face_match_score" in d), default=1.0)
    if scenario.startswith("watchlist"):
        source, reason, prior = "screening", "possible watchlist match", 0.7
    elif tamper >= 0.5:
        source, reason, prior = "kyc_vendor", "document tamper suspected", 0.65
    elif face < 0.75:
        source, reason, prior = "kyc_vendor", "face match below vendor threshold", 0.5
    elif flaw in ("expired", "no_selfie", "no_identity_document"):
        source, reason, prior = "kyc_vendor", "incomplete or expired submission", 0.45
    elif scenario == "synthetic_identity" and chance(rng, 0.4):
        source, reason, prior = "kyc_onboarding", "device seen on other recent sign-ups", 0.55
    else:
        source, reason, prior = "kyc_onboarding", "manual review: new applicant", 0.35
    alert: dict[str, Any] = {"source": source, "reason": reason}
    if chance(rng, 0.9):
        alert["upstream_score"] = round(clip(prior + rng.gauss(0.0, 0.15), 0.01, 0.99), 2)
    return alert


def kyc_draft(world: World, rng: random.Random, day: int) -> Draft:
    scenario = weighted(rng, KYC_MIX)
    who = _applicant(world, rng, day, scenario)
    today = world.config.start + timedelta(days=day)
    street: str | None = None
    if who.timeline is None:
        timeline, street = _new_account_events(world, rng, who, scenario)
    else:
        timeline = who.timeline
    docs, flaw = _documents(rng, scenario, who, today, street)
    subject: dict[str, Any] = {"account_id": who.account_id, "account_created_at": events.iso(who.created_t),
                               "country": who.country, "kyc_level": who.kyc_level, "vip_tier": 0,
                               "language": who.language}  # fmt: skip
    created = who.submitted_t + rng.randint(5, 120)
    case = envelope.body(
        "kyc", created, subject, _kyc_alert(rng, scenario, docs, flaw), envelope.in_transit(rng, timeline),
        documents=docs,
    )  # fmt: skip
    variant = flaw if scenario == "poor_quality" else ""
    label, malicious = KYC_LABELS[scenario], scenario in MALICIOUS
    return Draft("kyc", created, case, label, scenario, malicious, who.account_id, variant)
