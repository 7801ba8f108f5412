"""Malicious account takeover: how each campaign unfolds in the victim's timeline.

Each attack draws its evasions independently (a proxy on the victim's own carrier, the victim's
replayed fingerprint, no optional security change, the owner's pace, a modest amount, daytime),
so attacks range from blatant to nearly indistinguishable from the owner: no single signal
convicts; what convicts is the combination.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from roca.simulate.background import TRADED, typical_amount
from roca.simulate.geo import Endpoint
from roca.simulate.identifiers import Device, device_id
from roca.simulate.infrastructure import Crew
from roca.simulate.rng import between, lognormal, pick
from roca.simulate.scene import Scene

Campaign = Callable[[Scene, Crew], None]
SUPPORT_PRETEXTS = ("lost my phone, need to change number", "cannot receive sms code", "account recovery")
# Each evasion is a separate habit of a crew member, drawn independently per attack.
EVASIONS = {
    "home_proxy": 0.5,  # a residential or mobile proxy on the victim's own carrier
    "replayed_fingerprint": 0.3,  # infostealer logs carry the victim's device id
    "quiet": 0.55,  # no optional security changes (they are what trips alerts)
    "patient": 0.35,  # keeps the owner's pace instead of rushing
    "modest": 0.4,  # takes an amount like the owner's own withdrawals
    "daytime": 0.5,  # acts during the victim's waking hours
}
CAREFUL_FROM = 4  # evasions at which the ground truth calls the attack "careful"


@dataclass(frozen=True, slots=True)
class Tradecraft:
    """How one attack hides: where it connects from, which fingerprint it shows, how patient it is."""

    evasions: frozenset[str]
    entry: Endpoint
    device: Device

    def __contains__(self, evasion: str) -> bool:
        return evasion in self.evasions


def tradecraft(scene: Scene, crew: Crew, device_reuse: float = 0.25) -> Tradecraft:
    victim, rng = scene.account, scene.rng
    evasions = frozenset(name for name, share in EVASIONS.items() if scene.chance(share))
    scene.daytime = "daytime" in evasions
    scene.variant = "careful" if len(evasions) >= CAREFUL_FROM else ""
    if "home_proxy" in evasions:
        home_asn = victim.home_ips[0].asn
        same_isp = [r for r in victim.country.residential if r.asn == home_asn]
        pool = [victim.mobile] if scene.chance(0.5) else same_isp or list(victim.country.residential)
        entry = pick(rng, pool).endpoint(rng)
    else:
        entry = crew.endpoint(rng, victim)
    replayed = "replayed_fingerprint" in evasions
    device = victim.devices[0] if replayed else crew.device(rng, reuse=device_reuse)
    return Tradecraft(evasions, entry, device)


def take_share(scene: Scene, craft: Tradecraft) -> float:
    """Most takeovers drain the account (leaving dust); modest ones take what the owner would."""
    if "modest" in craft:
        if scene.chance(0.3):
            return between(scene.rng, 0.6, 1.0)
        amount = typical_amount(scene.rng, scene.account) * lognormal(scene.rng, 2.0, 0.7)
        return min(amount / scene.balance, 1.0) if scene.balance else 1.0
    if scene.chance(0.2):
        return between(scene.rng, 0.15, 0.85)
    return between(scene.rng, 0.90, 1.0)


def _stall(scene: Scene, quick_minutes: float, craft: Tradecraft) -> None:
    """Attackers move fast; patient ones keep the owner's pace."""
    if "patient" in craft:
        if scene.chance(0.6):
            scene.wait(10, 1.0)
        else:
            scene.wait(300, 1.0)
    else:
        scene.wait(quick_minutes, 0.9)


def _cash_out(scene: Scene, crew: Crew, craft: Tradecraft) -> None:
    destination = crew.cash_out(scene.rng)
    if not scene.send_to_new(destination, craft.entry, craft.device, saves=0.2):
        scene.wait(1, 0.8)
    elif scene.chance(0.1):  # sit out the exchange's new-address lock
        scene.wait(26 * 60, 0.2)
    elif "patient" in craft and scene.chance(0.4):
        scene.wait(90, 1.5)
    else:
        scene.wait(1.5, 0.9)
    scene.withdraw(destination, scene.balance * take_share(scene, craft), craft.entry, craft.device)


def credential_stuffing(scene: Scene, crew: Crew) -> None:
    """Leaked passwords tried from rotating proxies; a hit on an account without strong MFA."""
    victim, rng = scene.account, scene.rng
    craft = tradecraft(scene, crew)
    if scene.chance(0.5):  # a combo list needs a burst; infostealer logs do not
        for _ in range(min(int(lognormal(rng, 4, 0.7)) + 1, 25)):
            attempt = craft.entry if scene.chance(0.5) else crew.endpoint(rng, victim)
            scene.login(attempt, crew.device(rng, reuse=0.3), success=False)
            scene.wait_seconds(2, 45)
        scene.wait(3, 1.0)
    scene.login(craft.entry, craft.device)
    _stall(scene, 3, craft)
    if scene.chance(0.3):
        scene.trade("USDT", scene.balance * between(rng, 0.4, 0.9))  # one liquid coin first
    if "quiet" not in craft:
        if scene.chance(0.15):
            scene.change("anti_phishing_code_change", craft.entry, craft.device)
        if scene.chance(0.12):
            scene.change("mfa_change", craft.entry, craft.device, action="disable", mfa_method=victim.mfa)
        if scene.chance(0.08):
            scene.change("email_change", craft.entry, craft.device)
    scene.wait(2, 0.8)
    _cash_out(scene, crew, craft)


def sim_swap(scene: Scene, crew: Crew) -> None:
    """The victim's number ported to the attacker (support talked into it), SMS reset, then drain."""
    victim, rng = scene.account, scene.rng
    craft = tradecraft(scene, crew)
    entry, device = craft.entry, craft.device
    if scene.chance(0.6):
        scene.support(pick(rng, SUPPORT_PRETEXTS), pick(rng, ("chat", "email", "phone")))
        scene.wait(40, 1.0)
    scene.change("phone_change", channel="support" if scene.chance(0.75) else "sms")
    scene.wait(4, 0.8)
    scene.change("password_reset", channel="sms")
    scene.wait(1.5, 0.7)
    scene.login(entry, device, mfa="sms")
    scene.wait(2, 0.7)
    bold = 0.4 if "quiet" in craft else 1.0
    if scene.chance(0.6 * bold):
        removed = victim.mfa if victim.mfa not in ("none", "sms") else "totp"
        action = "disable" if scene.chance(0.75) else "reset"
        scene.change("mfa_change", entry, device, action=action, mfa_method=removed)
    if scene.chance(0.5 * bold):
        scene.change("anti_phishing_code_change", entry, device)
    if scene.chance(0.25 * bold):
        scene.change("email_change", entry, device)
    _stall(scene, 10, craft)
    _cash_out(scene, crew, craft)


def phishing_api_key(scene: Scene, crew: Crew) -> None:
    """A phishing proxy relays the victim's login (MFA included), then mints a withdraw-enabled API
    key and drains through the API from a server."""
    victim, rng = scene.account, scene.rng
    craft = tradecraft(scene, crew, device_reuse=0.2)
    entry, device = craft.entry, craft.device
    if "replayed_fingerprint" not in craft and scene.chance(0.4):  # the victim's browser string
        device = Device(device_id(rng), victim.devices[0].user_agent)
    scene.login(entry, device)
    scene.wait(2, 0.8)
    scene.api_key(
        ["read", "trade", "withdraw"], scene.chance(0.3 if "quiet" in craft else 0.1), entry, device
    )
    destination = crew.cash_out(rng)
    scene.wait(1, 0.8)
    scene.send_to_new(destination, entry, device, saves=0.3)
    server = crew.endpoint(rng, victim) if scene.chance(0.4) else pick(rng, crew.exit_ips)
    scene.wait(200 if "patient" in craft else 20, 1.2)
    parts = 1 if scene.chance(0.5) else rng.randint(2, 4)
    total = scene.balance * take_share(scene, craft)
    for part in range(parts):
        if part:
            scene.wait(2, 0.8)
        scene.withdraw(destination, total / parts, server, None, api=True, held=part == parts - 1)


def session_hijack(scene: Scene, crew: Crew) -> None:
    """An infostealer's stolen session cookie replayed from elsewhere: no login at all, the victim's
    own device id, a new IP, and a quick withdrawal."""
    victim, rng = scene.account, scene.rng
    craft = tradecraft(scene, crew)
    device = victim.devices[0] if scene.chance(0.8) else pick(rng, victim.devices)
    entry = craft.entry
    if "quiet" not in craft and scene.chance(0.12):
        scene.change("anti_phishing_code_change", entry, device)
    if "quiet" not in craft and scene.chance(0.08):
        scene.change("email_change", entry, device)
    scene.wait(1, 0.8)
    _stall(scene, 1, craft)
    _cash_out(scene, crew, Tradecraft(craft.evasions, entry, device))


def address_book_poisoning(scene: Scene, crew: Crew) -> None:
    """The novel campaign: a malicious browser extension rides the user's own session.  Own device,
    home line, no security change; it adds the crew's address minutes before a large withdrawal."""
    victim, rng = scene.account, scene.rng
    browsers = [d for d in victim.devices if d.user_agent.startswith("Mozilla")]
    device = browsers[0] if browsers else victim.devices[0]
    home = victim.home_ips[0]
    if scene.chance(0.75):
        scene.login(home, device)  # the user's own login: the extension waits for it
    scene.wait(25, 1.0)
    if scene.chance(0.3):
        scene.trade(pick(rng, TRADED), typical_amount(rng, victim))
        scene.wait(5, 0.8)
    destination = crew.cash_out(rng, reuse=0.7)
    scene.add_address(destination, home, device)
    scene.wait(4, 0.7)
    scene.withdraw(destination, scene.balance * between(rng, 0.55, 1.0), home, device)
