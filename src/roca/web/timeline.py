"""The account timeline as the console shows it: event groups, the filter read from a query string,
and one display row per event (masked for roles without ``pii:read``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, get_args
from urllib.parse import urlencode

from roca.cases.repository import EventFilter
from roca.cases.schemas import EventType
from roca.models import AccountEvent
from roca.web.masking import mask_email, mask_event

# What a reviewer filters by.  API keys and device binds are security changes here: both hand
# someone new the power to act on the account, which is what a reviewer looks for before a withdrawal.
SECURITY_TYPES = frozenset(
    {
        "password_change",
        "password_reset",
        "mfa_change",
        "email_change",
        "phone_change",
        "anti_phishing_code_change",
        "api_key_create",
        "device_bind",
    }
)
WITHDRAWAL_TYPES = frozenset({"withdrawal_address_add", "withdrawal"})
_NAMED = {"login": frozenset({"login"}), "security": SECURITY_TYPES, "withdrawal": WITHDRAWAL_TYPES}
EVENT_GROUPS: dict[str, frozenset[str]] = {
    **_NAMED,
    "other": frozenset(get_args(EventType)) - frozenset().union(*_NAMED.values()),
}
ALL = "all"

# Shown in this order; everything else in an event (user agent, raw flags) stays out of the row.
DETAIL_FIELDS = (
    "ip", "ip_country", "asn", "asn_type", "device_id", "mfa_method", "action", "channel",
    "permissions", "ip_whitelist", "asset", "amount_usd", "address", "network", "topic",
)  # fmt: skip


def group_of(event_type: str) -> str:
    return next((name for name, types in EVENT_GROUPS.items() if event_type in types), "other")


@dataclass(frozen=True)
class TimelineQuery:
    """The timeline filter as the query string gave it; unreadable values are dropped and flagged."""

    group: str = ALL
    since: date | None = None
    until: date | None = None  # inclusive: the whole day
    offset: int = 0  # events skipped: the "show older" pages
    invalid: tuple[str, ...] = field(default=())

    def event_filter(self) -> EventFilter:
        return EventFilter(
            types=None if self.group == ALL else EVENT_GROUPS[self.group],
            since=_day_start(self.since) if self.since else None,
            until=_day_start(self.until) + timedelta(days=1) if self.until else None,
        )

    def query_string(self, offset: int = 0) -> str:
        """The filter (and a page) as a query string, empty values left out."""
        params = {
            "group": self.group if self.group != ALL else "",
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "offset": str(offset) if offset > 0 else "",
        }
        return urlencode({key: value for key, value in params.items() if value})


def parse_query(params: Mapping[str, str]) -> TimelineQuery:
    invalid: list[str] = []
    group = params.get("group") or ALL
    if group != ALL and group not in EVENT_GROUPS:
        invalid.append("group")
        group = ALL
    since, until = _date(params, "since", invalid), _date(params, "until", invalid)
    offset = _offset(params.get("offset"), invalid)
    return TimelineQuery(group, since, until, offset, tuple(invalid))


def _date(params: Mapping[str, str], name: str, invalid: list[str]) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        invalid.append(name)
        return None


def _offset(raw: str | None, invalid: list[str]) -> int:
    if not raw:
        return 0
    if not raw.isdigit():
        invalid.append("offset")
        return 0
    return int(raw)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)  # timeline dates are UTC days


@dataclass(frozen=True)
class EventRow:
    id: str
    ts: datetime
    type: str
    group: str
    failed: bool
    details: list[tuple[str, Any]]  # (field, value shown), in DETAIL_FIELDS order


def event_row(event: AccountEvent, pii: bool) -> EventRow:
    shown = event.payload if pii else _masked(event.payload)
    details = [(name, shown[name]) for name in DETAIL_FIELDS if shown.get(name) not in (None, "", [])]
    return EventRow(
        event.id, event.ts, event.type, group_of(event.type), shown.get("success") is False, details
    )


def _masked(payload: dict[str, Any]) -> dict[str, Any]:
    masked = mask_event(payload)
    if isinstance(masked.get("topic"), str):
        masked["topic"] = mask_email(masked["topic"])  # support topics are free text
    return masked
