"""PII masking for people without the ``pii:read`` permission.

Masked values keep what a reviewer needs to compare them (initials, the network part of an IP, both
ends of an address, the year of birth) and drop what identifies a person.  Masking happens on the
server before rendering: the browser of a role without the permission never receives the value.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

MASK = "•"
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_name(name: str | None) -> str | None:
    """``Li Wei`` -> ``L• W•``; ``李伟`` -> ``李•``: initials only."""
    if not name:
        return name
    words = name.split()
    if len(words) == 1 and not name.isascii():
        return name[0] + MASK * max(1, len(name) - 1)
    return " ".join(word[0] + MASK for word in words)


def mask_email(text: str | None) -> str | None:
    """Every email address in ``text``: ``alice@example.com`` -> ``a•••@example.com``."""
    if not text:
        return text
    return _EMAIL.sub(lambda m: f"{m.group(1)}{MASK * 3}@{m.group(2)}", text)


def mask_date_of_birth(value: str | None) -> str | None:
    """Keep the year (age matters to a review), drop month and day."""
    if not value:
        return value
    return f"{value[:4]}-{MASK * 2}-{MASK * 2}"


def mask_ip(ip: str | None) -> str | None:
    """Keep the network (what links accounts), drop the host part."""
    if not ip:
        return ip
    if ":" in ip:
        return ":".join(ip.split(":")[:3]) + f":{MASK}"
    parts = ip.split(".")
    return ".".join([*parts[:3], MASK]) if len(parts) == 4 else MASK * 3


def mask_address(address: str | None) -> str | None:
    """A withdrawal or postal address: both ends stay so two of them can still be compared."""
    if not address:
        return address
    if len(address) <= 10:
        return address[:2] + MASK * 3
    return f"{address[:6]}{MASK * 3}{address[-4:]}"


def mask_case(case: dict[str, Any]) -> dict[str, Any]:
    """A contract case with every personal field masked (a copy; the input is left as it was)."""
    masked = deepcopy(case)
    alert = masked.get("alert") or {}
    if alert.get("reason"):
        alert["reason"] = mask_email(alert["reason"])
    for document in masked.get("documents") or []:
        document["name"] = mask_name(document.get("name"))
        document["date_of_birth"] = mask_date_of_birth(document.get("date_of_birth"))
    entity = masked.get("entity") or {}
    for ubo in entity.get("ubos") or []:
        ubo["name"] = mask_name(ubo.get("name"))
        ubo["date_of_birth"] = mask_date_of_birth(ubo.get("date_of_birth"))
    masked["events"] = [mask_event(event) for event in masked.get("events") or []]
    return masked


def mask_event(event: dict[str, Any]) -> dict[str, Any]:
    masked = dict(event)
    if masked.get("ip"):
        masked["ip"] = mask_ip(masked["ip"])
    if masked.get("address"):
        masked["address"] = mask_address(masked["address"])
    return masked
