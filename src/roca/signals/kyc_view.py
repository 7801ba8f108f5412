"""What the KYC signals read, derived once per case (every property is computed at most once)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from itertools import combinations

from rapidfuzz import fuzz

from roca.cases.schemas import CaseIn, Document, Event
from roca.signals.context import LinkKind, LinkSummary, SignalInput
from roca.signals.evidence import ScreenHit, age_in_years, first_anonymising, screen_people
from roca.signals.risk_tables import CountryRisk, country_risk
from roca.signals.screening import normalise_name

IDENTITY_DOCUMENTS = frozenset({"passport", "id_card", "driving_licence"})
# Sign-up is the first hour of the account: the sessions that created it.
SIGNUP_WINDOW = timedelta(hours=1)
OLDEST_PLAUSIBLE_AGE = 100


@dataclass
class KycView:
    """Everything the kyc signals read, derived once per case."""

    input: SignalInput

    @property
    def case(self) -> CaseIn:
        return self.input.case

    @cached_property
    def today(self) -> date:
        return self.input.as_of.date()

    @cached_property
    def documents(self) -> list[Document]:
        return list(self.case.documents or ())

    @cached_property
    def identity_documents(self) -> list[Document]:
        return [d for d in self.documents if d.doc_type in IDENTITY_DOCUMENTS]

    @cached_property
    def has_selfie(self) -> bool:
        # Some vendors report the face match on the identity document instead of a selfie item.
        return any(d.doc_type == "selfie" or d.face_match_score is not None for d in self.documents)

    @cached_property
    def first_expiring(self) -> Document | None:
        dated = [d for d in self.identity_documents if d.expiry_date is not None]
        return min(dated, key=lambda d: d.expiry_date or date.max, default=None)

    @cached_property
    def days_to_expiry(self) -> int | None:
        doc = self.first_expiring
        return None if doc is None or doc.expiry_date is None else (doc.expiry_date - self.today).days

    def _scores(self, field: str) -> list[float]:
        return [s for d in self.documents if (s := getattr(d, field)) is not None]

    @cached_property
    def tamper_score(self) -> float | None:
        return max(self._scores("tamper_score"), default=None)

    @cached_property
    def face_match_score(self) -> float | None:
        return min(self._scores("face_match_score"), default=None)

    @cached_property
    def liveness_score(self) -> float | None:
        return min(self._scores("liveness_score"), default=None)

    @cached_property
    def birth_dates(self) -> list[date]:
        """Identity documents first: their date of birth is the one the age is read from."""
        ordered = sorted(self.documents, key=lambda d: d.doc_type not in IDENTITY_DOCUMENTS)
        return [d.date_of_birth for d in ordered if d.date_of_birth is not None]

    @cached_property
    def date_of_birth(self) -> date | None:
        return self.birth_dates[0] if self.birth_dates else None

    @cached_property
    def age_years(self) -> int | None:
        born = self.date_of_birth
        return None if born is None else age_in_years(born, self.today)

    @cached_property
    def implausible_birth_date(self) -> tuple[date, int] | None:
        """A date of birth on any document that gives an age below zero or beyond a human lifetime."""
        for born in self.birth_dates:
            age = age_in_years(born, self.today)
            if age < 0 or age > OLDEST_PLAUSIBLE_AGE:
                return born, age
        return None

    @cached_property
    def names(self) -> list[str]:
        return [d.name for d in self.documents if d.name and d.name.strip()]

    @cached_property
    def least_similar_names(self) -> tuple[float, str, str] | None:
        """The least similar pair of document names (0..1); case, accents, order and script ignored."""
        unique = list(dict.fromkeys(self.names))
        if len(self.names) < 2:
            return None
        if len(unique) < 2:
            return (1.0, unique[0], unique[0])
        return min(
            (fuzz.token_set_ratio(normalise_name(a), normalise_name(b)) / 100, a, b)
            for a, b in combinations(unique, 2)
        )

    @cached_property
    def subject_country(self) -> str | None:
        country = self.case.subject.country
        return country.upper() if country else None

    @cached_property
    def foreign_document(self) -> Document | None:
        if self.subject_country is None:
            return None
        for doc in self.identity_documents:
            if doc.issuing_country and doc.issuing_country.upper() != self.subject_country:
                return doc
        return None

    @cached_property
    def riskiest_country(self) -> tuple[str, CountryRisk] | None:
        """The subject's country or a document's issuing country, whichever the FATF lists rate worst."""
        codes = [self.subject_country, *(d.issuing_country for d in self.identity_documents)]
        rated = [(c.upper(), country_risk(c)) for c in codes if c]
        return max(rated, key=lambda pair: pair[1].fatf_level, default=None)

    @cached_property
    def identity_birth_dates(self) -> list[date]:
        """The distinct dates of birth on the identity documents, in document order."""
        return list(dict.fromkeys(d.date_of_birth for d in self.identity_documents if d.date_of_birth))

    @cached_property
    def screening(self) -> ScreenHit | None:
        """Every document name against the watchlist.  A name on a document without a date of birth
        (a proof of address) is screened with the identity documents' dates of birth: on its own it
        would let a common name match a listed namesake born years apart at full score."""
        return screen_people(self.input.screen, self._screened_people())

    def _screened_people(self) -> Iterator[tuple[str | None, date | None]]:
        for doc in self.documents:
            if doc.date_of_birth is not None or not self.identity_birth_dates:
                yield doc.name, doc.date_of_birth
            else:
                # Several identity dates (which disagree): each is tried, the best match counts.
                yield from ((doc.name, born) for born in self.identity_birth_dates)

    @cached_property
    def devices(self) -> set[str]:
        return {e.device_id for e in self.input.timeline if e.device_id}

    @cached_property
    def ips(self) -> set[str]:
        return {e.ip for e in self.input.timeline if e.ip}

    def _links(self, kind: LinkKind, values: set[str]) -> LinkSummary | None:
        if not values:
            return None
        return self.input.links.shared(kind, values, self.case.subject.account_id, self.input.as_of)

    @cached_property
    def device_links(self) -> LinkSummary | None:
        return self._links("device", self.devices)

    @cached_property
    def ip_links(self) -> LinkSummary | None:
        return self._links("ip", self.ips)

    @cached_property
    def account_age_minutes(self) -> float | None:
        created = self.case.subject.account_created_at
        return None if created is None else max(0.0, (self.input.as_of - created).total_seconds() / 60)

    @cached_property
    def signup_events(self) -> list[Event]:
        timeline = self.input.timeline
        if not timeline:
            return []
        # Without a sign-up time, the account's first known event stands for it.
        start: datetime = self.case.subject.account_created_at or min(e.ts for e in timeline)
        return [e for e in timeline if start - SIGNUP_WINDOW <= e.ts <= start + SIGNUP_WINDOW]

    @cached_property
    def signup_anonymiser(self) -> Event | None:
        return first_anonymising(self.signup_events)

    @cached_property
    def signup_ip_country(self) -> str | None:
        """The most frequent IP country of the sign-up sessions."""
        countries = Counter(e.ip_country.upper() for e in self.signup_events if e.ip_country)
        return countries.most_common(1)[0][0] if countries else None
