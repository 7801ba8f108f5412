"""KYC cases: an applicant's identity documents, selfie and sign-up sessions.

Scenarios and the correct decision: genuine (approve); poor quality - expired, blurry, missing
selfie or identity document, a document about to expire, a stale proof of address, a selfie in the
wrong pose (request_info); forged document (reject); synthetic identity (reject); watchlist true hit
(reject); watchlist false hit on a common Chinese name (approve).

The scenarios overlap the way real onboarding does: genuine applicants have mediocre face matches,
scanner artefacts, documents about to expire, names spelled differently across documents and VPNs;
reviewers ask for information on documents that look fine; good forgeries have low tamper scores;
synthetic identities sometimes come from a fresh device and a fresh address.  No one signal decides.
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
from roca.simulate.kyc_names import spelling_variant
from roca.simulate.names import PersonName, person_name, postal_address
from roca.simulate.rng import between, chance, clip, lognormal, pick, seconds, stream, weighted
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
IDENTITY_TYPES = frozenset({"passport", "id_card", "driving_licence"})
# What a reviewer asks for (the truth's variant).  The last three are barely visible in the evidence:
# a document valid for a few more weeks, a proof of address older than three months (the date is
# on the scan, not in the vendor's fields), a selfie that is not the pose the vendor asked for.
POOR_FLAWS = {
    "expired": 0.22, "blurry": 0.24, "no_selfie": 0.11, "no_identity_document": 0.09,
    "expiring_soon": 0.10, "stale_proof_of_address": 0.12, "selfie_pose": 0.12,
}  # fmt: skip
# Phone shops and agents that open accounts for their customers on the shop's tablet and line, a few
# per country: genuine sign-ups that share a device and an IP, as a farm's do.
VENUES_PER_COUNTRY = 4


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
    """A real person's scans: mostly clean, with the everyday blemishes - a mediocre face match (poor
    lighting, a ten-year-old passport photo), scanner artefacts or glare raising the tamper score, a
    hesitant liveness check."""
    face = clip(rng.gauss(0.9, 0.05), 0.55, 0.995) if chance(rng, 0.86) else between(rng, 0.55, 0.82)
    tamper = clip(lognormal(rng, 0.05, 0.6), 0.005, 0.4) if chance(rng, 0.9) else between(rng, 0.2, 0.58)
    liveness = clip(rng.gauss(0.93, 0.04), 0.6, 0.999) if chance(rng, 0.93) else between(rng, 0.62, 0.86)
    return Quality(tamper, face, liveness)


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


def _respelled(rng: random.Random, doc: dict[str, Any], share: float) -> dict[str, Any]:
    """Sometimes the same person's name as this document spells it (romanisation, middle name...);
    names in Chinese characters stay as they are."""
    if chance(rng, share) and doc.get("name") and doc["name"].isascii():
        doc["name"] = spelling_variant(rng, doc["name"])
    return doc


def _expiring(today: date, days: int) -> str:
    return (today + timedelta(days=days)).isoformat()


def _standard_documents(
    rng: random.Random, who: Applicant, today: date, quality: Quality, *, with_address: float = 0.35
) -> list[dict[str, Any]]:
    docs = [_identity_doc(rng, who, today, quality.tamper)]
    if chance(rng, 0.2):
        other = "passport" if docs[0]["doc_type"] != "passport" else "id_card"
        second = _respelled(rng, _identity_doc(rng, who, today, quality.tamper, doc_type=other), 0.25)
        born = who.born
        if chance(rng, 0.12) and born.day <= 12 and born.day != born.month:  # day and month read swapped
            second["date_of_birth"] = date(born.year, born.day, born.month).isoformat()
        docs.append(second)
    docs.append(_selfie(quality))
    if chance(rng, with_address):
        docs.append(_respelled(rng, _proof_of_address(who, postal_address(rng, who.country)), 0.2))
    return docs


def _genuine_documents(rng: random.Random, who: Applicant, today: date) -> list[dict[str, Any]]:
    """An honest submission that a reviewer approves, blemishes and all."""
    docs = _standard_documents(rng, who, today, genuine_quality(rng))
    quirk = rng.random()
    if quirk < 0.06:  # valid for a few more weeks: the reviewer approves, the renewal is the user's
        docs[0]["expiry_date"] = _expiring(today, rng.randint(4, 60))
    elif quirk < 0.09:  # an expired document next to a valid one: the valid one is enough
        if not any(d["doc_type"] in IDENTITY_TYPES for d in docs[1:]):
            other = "passport" if docs[0]["doc_type"] != "passport" else "id_card"
            docs.insert(1, _identity_doc(rng, who, today, docs[0]["tamper_score"], doc_type=other))
        docs[0]["expiry_date"] = _expiring(today, -rng.randint(5, 900))
    if who.timeline is not None and who.kyc_level >= 1:  # an upgrade: what is on file is not re-sent
        on_file = rng.random()
        if on_file < 0.25:  # the liveness check from the first level still stands
            docs = [d for d in docs if d["doc_type"] != "selfie"]
        elif on_file < 0.40:  # only the proof of address the next level asks for (and a selfie)
            docs = [d for d in docs if d["doc_type"] == "selfie"]
            docs.append(_proof_of_address(who, postal_address(rng, who.country)))
    return docs


def _poor_documents(rng: random.Random, who: Applicant, today: date) -> tuple[list[dict[str, Any]], str]:
    flaw = weighted(rng, POOR_FLAWS)
    quality = genuine_quality(rng)
    if flaw == "blurry":
        quality = Quality(between(rng, 0.15, 0.5), between(rng, 0.45, 0.82), between(rng, 0.45, 0.85))
    elif flaw == "selfie_pose":  # the face is there, a little off; the liveness check hesitated
        face = clip(rng.gauss(0.84, 0.07), 0.5, 0.99)
        quality = Quality(quality.tamper, face, clip(rng.gauss(0.84, 0.07), 0.5, 0.99))
    with_address = 1.0 if flaw == "stale_proof_of_address" else 0.35
    docs = _standard_documents(rng, who, today, quality, with_address=with_address)
    if flaw == "expired":
        docs[0]["expiry_date"] = _expiring(today, -rng.randint(1, 700))
    elif flaw == "expiring_soon":
        docs[0]["expiry_date"] = _expiring(today, rng.randint(1, 45))
    elif flaw == "no_selfie":
        docs = [d for d in docs if d["doc_type"] != "selfie"]
    elif flaw == "no_identity_document":
        docs = [_selfie(quality), _proof_of_address(who, postal_address(rng, who.country))]
    return docs, flaw


def _forged_tamper(rng: random.Random) -> float:
    kind = rng.random()
    if kind < 0.55:
        return between(rng, 0.5, 0.97)
    if kind < 0.80:
        return between(rng, 0.25, 0.5)
    return clip(lognormal(rng, 0.09, 0.6), 0.01, 0.35)  # a good forgery: the vendor sees nothing


def _forged_documents(rng: random.Random, who: Applicant, today: date) -> list[dict[str, Any]]:
    tamper = _forged_tamper(rng)
    # A stolen document shows someone else's face; a forged one often carries the fraudster's own.
    face = between(rng, 0.35, 0.8) if chance(rng, 0.55) else clip(rng.gauss(0.86, 0.06), 0.6, 0.99)
    quality = Quality(tamper, face, between(rng, 0.55, 0.97))
    docs = [_identity_doc(rng, who, today, tamper), _selfie(quality)]
    if chance(rng, 0.3):  # a second document from another batch: the dates do not agree
        other_born = who.born + timedelta(days=rng.choice((-1, 1)) * rng.randint(30, 3000))
        second = _identity_doc(rng, who, today, tamper * 0.8, doc_type="driving_licence",
                               date_of_birth=other_born.isoformat())  # fmt: skip
        docs.insert(1, _respelled(rng, second, 0.35))
    if chance(rng, 0.2):
        docs[0]["expiry_date"] = _expiring(today, rng.randint(3700, 5500))
    elif chance(rng, 0.08):  # an old template
        docs[0]["expiry_date"] = _expiring(today, -rng.randint(10, 1500))
    if chance(rng, 0.1):  # gave up at the selfie step
        docs = [d for d in docs if d["doc_type"] != "selfie"]
    return docs


def _listed_identity(rng: random.Random, world: World) -> tuple[str, PersonName, date]:
    people = [p for p in world.watchlist[10:] if p.schema == "Person"]
    party = pick(rng, people)
    country = party.countries[0] if party.countries[0] in geo.countries() else "CN"
    latin = pick(rng, [party.name, *(a for a in party.aliases if a.isascii() and "." not in a)])
    if chance(rng, 0.2):  # a spelling the list does not carry: screening sees a near miss
        latin = spelling_variant(rng, latin)
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
    if chance(rng, 0.15):  # born the same year: cleared on the photo, nationality and identifiers
        born = date(listed_year, rng.randint(1, 12), rng.randint(1, 28))
        while born.isoformat() == party.birth_date:
            born = date(listed_year, rng.randint(1, 12), rng.randint(1, 28))
    else:
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


@dataclass(frozen=True, slots=True)
class Signup:
    events: list[Event]
    street: str | None = None  # a synthetic identity's mail-drop address
    farm_device: bool = False  # signed up on one of the farm's devices


def _consumer_entry(rng: random.Random, country: geo.Country) -> Endpoint:
    return pick(rng, (*country.residential, *country.mobile)).endpoint(rng)


def _venue(world: World, rng: random.Random, country: geo.Country) -> tuple[Device, Endpoint]:
    """One of the country's phone shops: the same tablet and line for every customer."""
    venue = stream(world.seed, "kyc-venue", country.code, rng.randrange(VENUES_PER_COUNTRY))
    return consumer_device(venue, 0.0), pick(venue, country.residential).endpoint(venue)


def _new_account_events(world: World, rng: random.Random, who: Applicant, scenario: str) -> Signup:
    """Sign-up sessions; a synthetic identity signs up through its farm."""
    home = geo.country(who.country) if who.country in geo.countries() else geo.country("SG")
    if scenario == "synthetic_identity":
        farm = pick(rng, world.underground.farms)
        # Farms rotate: a fresh handset now and then, a residential proxy in the declared country.
        farm_device = chance(rng, 0.65)
        device = pick(rng, farm.devices) if farm_device else consumer_device(rng)
        if chance(rng, 0.3):
            entries = [_consumer_entry(rng, home)] * rng.randint(1, 2)
        else:
            entries = [pick(rng, farm.endpoints) for _ in range(rng.randint(1, 3))]
        street = pick(rng, farm.postal_addresses) if chance(rng, 0.9) else None
        return Signup(_signup_sessions(rng, who, device, entries), street, farm_device)
    entry = _consumer_entry(rng, home)
    way = rng.random()
    if scenario == "forged_document":
        if way < 0.35:
            entry = pick(rng, (*geo.VPN, *geo.HOSTING)).endpoint(rng)
        elif way < 0.50:  # someone else's identity, from the fraudster's own country
            entry = _consumer_entry(rng, geo.country(pick(rng, list(geo.countries()))))
    elif way < 0.10:  # privacy-minded genuine applicants
        entry = pick(rng, geo.VPN).endpoint(rng)
    elif way < 0.16:  # an expatriate or a traveller, signing up from abroad
        entry = _consumer_entry(rng, geo.country(pick(rng, list(geo.countries()))))
    elif way < 0.19 and scenario != "watchlist_true_hit":  # opened at a phone shop
        device, entry = _venue(world, rng, home)
        return Signup(_signup_sessions(rng, who, device, [entry] * rng.randint(1, 2)))
    return Signup(_signup_sessions(rng, who, consumer_device(rng), [entry] * rng.randint(1, 2)))


def _documents(
    rng: random.Random, scenario: str, who: Applicant, today: date, street: str | None
) -> tuple[list[dict[str, Any]], str]:
    """The submission and what is wrong with it (the vendor's view: "" when nothing stands out)."""
    if scenario == "poor_quality":
        return _poor_documents(rng, who, today)
    if scenario == "forged_document":
        return _forged_documents(rng, who, today), "forged"
    if scenario in ("genuine", "watchlist_false_hit"):
        return _genuine_documents(rng, who, today), ""
    docs = _standard_documents(rng, who, today, genuine_quality(rng))
    if scenario == "watchlist_true_hit" and chance(rng, 0.12):  # stopped at the selfie step
        docs = [d for d in docs if d["doc_type"] != "selfie"]
    if street is not None:
        docs = [d for d in docs if d["doc_type"] != "proof_of_address"]
        docs.append(_proof_of_address(who, street))
    return docs, ""


def _incomplete(docs: list[dict[str, Any]], today: date) -> bool:
    identity = [d for d in docs if d["doc_type"] in IDENTITY_TYPES]
    expired = any(d["expiry_date"] < today.isoformat() for d in identity if "expiry_date" in d)
    return expired or not identity or not any(d["doc_type"] == "selfie" for d in docs)


def _kyc_alert(
    rng: random.Random, scenario: str, docs: list[dict[str, Any]], today: date, farm_device: bool
) -> dict[str, Any]:
    """What the upstream system saw: the vendor's scores and completeness checks, screening, the
    onboarding rules (never the truth itself)."""
    tamper = max((d.get("tamper_score", 0.0) for d in docs), default=0.0)
    face = min((d["face_match_score"] for d in docs if "face_match_score" in d), default=1.0)
    if scenario.startswith("watchlist"):
        source, reason, prior = "screening", "possible watchlist match", 0.7
    elif tamper >= 0.5:
        source, reason, prior = "kyc_vendor", "document tamper suspected", 0.65
    elif face < 0.75:
        source, reason, prior = "kyc_vendor", "face match below vendor threshold", 0.5
    elif _incomplete(docs, today):
        source, reason, prior = "kyc_vendor", "incomplete or expired submission", 0.45
    elif farm_device and chance(rng, 0.4):
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
    if who.timeline is not None:
        signup = Signup(who.timeline)
    else:
        signup = _new_account_events(world, rng, who, scenario)
    docs, flaw = _documents(rng, scenario, who, today, signup.street)
    subject: dict[str, Any] = {"account_id": who.account_id, "account_created_at": events.iso(who.created_t),
                               "country": who.country, "kyc_level": who.kyc_level, "vip_tier": 0,
                               "language": who.language}  # fmt: skip
    created = who.submitted_t + rng.randint(5, 120)
    case = envelope.body(
        "kyc", created, subject, _kyc_alert(rng, scenario, docs, today, signup.farm_device),
        envelope.in_transit(rng, signup.events),
        documents=docs,
    )  # fmt: skip
    variant = flaw if scenario == "poor_quality" else ""
    label, malicious = KYC_LABELS[scenario], scenario in MALICIOUS
    return Draft("kyc", created, case, label, scenario, malicious, who.account_id, variant)
