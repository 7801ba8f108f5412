"""Legitimate activity that trips the same upstream rules: the look-alikes of account takeover.

Each look-alike shares part of a takeover's footprint (a new country, a new device, a reset, a new
address, a hosting IP, a near-full withdrawal) and a few share most of it.
"""

from __future__ import annotations

from collections.abc import Callable

from roca.simulate import geo
from roca.simulate.background import TRADED, typical_amount
from roca.simulate.config import CREDENTIAL_STUFFING
from roca.simulate.geo import Endpoint
from roca.simulate.identifiers import Device, Wallet, consumer_device, destination
from roca.simulate.infrastructure import Underground
from roca.simulate.rng import between, clip, lognormal, pick, weighted
from roca.simulate.scene import Scene

LookAlike = Callable[[Scene, Underground], None]
RELAY_SHARE = 0.1
SAVES_ADDRESS = 0.35  # users without an allow-list who still save a new address before using it
INCIDENTAL_NEW_DEVICE = 0.07
RESET_CHANNELS = {"email": 0.6, "sms": 0.3, "app": 0.1}
LOST_PHONE_TOPICS = (
    "lost my phone, need to change number",
    "phone stolen, new sim",
    "cannot receive sms code",
)


def _own_destination(scene: Scene, endpoint: Endpoint, device: Device, new_share: float) -> Wallet:
    """One of the user's known addresses, or (``new_share``) a new one of the user's own, added now."""
    known = scene.account.usual_wallet(scene.rng)
    if known is not None and not scene.chance(new_share):
        return known
    fresh = destination(scene.rng)
    scene.adopted_wallets.append(fresh)
    if scene.send_to_new(fresh, endpoint, device, SAVES_ADDRESS):
        _address_to_withdrawal(scene)
    return fresh


def _address_to_withdrawal(scene: Scene) -> None:
    """People add an address and withdraw at once, or come back to it later."""
    if scene.chance(0.6):
        scene.wait(1.5, 0.8)
    else:
        scene.wait(90, 1.5)


def _usual_amount(scene: Scene, boost: float = 1.0) -> float:
    """What this user usually moves; now and then everything (small accounts often empty out)."""
    if scene.chance(0.15):
        return scene.balance * between(scene.rng, 0.85, 1.0)
    return typical_amount(scene.rng, scene.account) * boost


def _home_entry(scene: Scene) -> Endpoint:
    """Home, unless the user happens to be behind a relay: iCloud Private Relay and corporate VPNs
    exit through hosting and VPN networks."""
    if scene.chance(RELAY_SHARE):
        return pick(scene.rng, (*geo.VPN, *geo.HOSTING)).endpoint(scene.rng)
    return scene.account.home(scene.rng)


def _maybe_new_device(scene: Scene, p: float) -> Device:
    """A new device with probability ``p``, or incidentally (a new laptop, a reinstalled app)."""
    if scene.chance(p) or scene.chance(INCIDENTAL_NEW_DEVICE):
        device = consumer_device(scene.rng, web_share=0.2)
        scene.adopted_devices.append(device)
        return device
    return scene.account.usual_device(scene.rng)


def travel(scene: Scene, underground: Underground) -> None:
    """Abroad on a roaming SIM or the hotel's line, after a plausible flight."""
    account, rng = scene.account, scene.rng
    others = [c for c in geo.countries() if c != account.country.code]
    known = account.habits.travel_countries
    visited = geo.country(pick(rng, known) if known and scene.chance(0.5) else pick(rng, others))
    roll = rng.random()
    if roll < 0.55:
        entry = pick(rng, visited.mobile).endpoint(rng)
    elif roll < 0.93:
        entry = pick(rng, visited.residential).endpoint(rng)
    else:  # airport and hotel Wi-Fi often exit through a cloud provider
        entry = geo.hosting_near(rng, visited.code).endpoint(rng)
    device = _maybe_new_device(scene, 0.15)
    scene.quiet_before = rng.randint(4, 16) * 3600
    scene.login(entry, device)
    scene.wait(10, 1.0)
    if scene.chance(0.5):
        scene.trade(pick(rng, TRADED), _usual_amount(scene))
    target = _own_destination(scene, entry, device, new_share=0.45)
    scene.withdraw(target, _usual_amount(scene, lognormal(rng, 1.3, 0.6)), entry, device)


def new_phone(scene: Scene, underground: Underground) -> None:
    """A new phone: new device, maybe a reset and the authenticator moved, then business as usual."""
    account, rng = scene.account, scene.rng
    device = _maybe_new_device(scene, 1.0)
    entry = _home_entry(scene)
    if scene.chance(0.15):
        scene.support("moving to a new phone", "chat")
        scene.wait(30, 1.0)
    if scene.chance(0.4):
        scene.change("password_reset", entry, device, channel=weighted(rng, RESET_CHANNELS))
        scene.wait(2, 0.8)
    scene.login(entry, device)
    if scene.chance(0.5):
        scene.change("device_bind", entry, device)
    if account.mfa in ("totp", "passkey") and scene.chance(0.35):
        scene.change("mfa_change", entry, device, action="reset", mfa_method=account.mfa)
    if scene.chance(0.08):
        scene.change("phone_change", entry, device, channel="app")
    if scene.chance(0.5):  # withdraws right away, or comes back later
        scene.wait(20, 1.0)
    else:
        scene.wait(600, 1.2)
    target = _own_destination(scene, entry, device, new_share=0.4)
    scene.withdraw(target, _usual_amount(scene, lognormal(rng, 1.2, 0.5)), entry, device)


def lost_phone(scene: Scene, underground: Underground) -> None:
    """A lost or stolen phone, recovered through support: the number changed by an agent, an SMS
    reset, a new device, the old authenticator removed - a SIM swap's footprint, by the owner."""
    account, rng = scene.account, scene.rng
    entry, device = _home_entry(scene), _maybe_new_device(scene, 1.0)
    scene.support(pick(rng, LOST_PHONE_TOPICS), pick(rng, ("chat", "email", "phone")))
    scene.wait(60, 1.2)
    scene.change("phone_change", channel="support" if scene.chance(0.6) else "app")
    scene.wait(10, 1.0)
    if scene.chance(0.7):
        scene.change("password_reset", channel="sms")
        scene.wait(2, 0.8)
    scene.login(entry, device, mfa="sms")
    if scene.chance(0.6):
        removed = account.mfa if account.mfa not in ("none", "sms") else "totp"
        scene.change(
            "mfa_change",
            entry,
            device,
            action="reset" if scene.chance(0.7) else "disable",
            mfa_method=removed,
        )
    if scene.chance(0.1):
        scene.change("anti_phishing_code_change", entry, device)
    if scene.chance(0.4):
        scene.wait(8, 1.0)
    else:
        scene.wait(500, 1.2)
    target = _own_destination(scene, entry, device, new_share=0.45)
    scene.withdraw(target, _usual_amount(scene, lognormal(rng, 1.3, 0.6)), entry, device)


def vpn_user(scene: Scene, underground: Underground) -> None:
    """A habitual VPN user (a few privacy users even use Tor), from the usual device."""
    account, rng = scene.account, scene.rng
    vpn = account.habits.vpn or pick(rng, geo.vpn_ranges_for(account.country.code))
    entry = pick(rng, geo.TOR).endpoint(rng) if scene.chance(0.04) else vpn.endpoint(rng)
    device = _maybe_new_device(scene, 0.1)
    if scene.chance(0.85):
        scene.login(entry, device)
    scene.wait(8, 1.0)
    target = _own_destination(scene, entry, device, new_share=0.5)
    scene.withdraw(target, _usual_amount(scene, lognormal(rng, 1.5, 0.6)), entry, device)


def forgotten_password(scene: Scene, underground: Underground) -> None:
    """Failed attempts from home, a reset, then ordinary activity."""
    rng = scene.rng
    entry, device = _home_entry(scene), _maybe_new_device(scene, 0.35)
    if scene.chance(0.6):
        for _ in range(rng.randint(1, 5)):
            scene.login(entry, device, success=False)
            scene.wait_seconds(10, 120)
    scene.wait(2, 1.0)
    scene.change("password_reset", entry, device, channel=weighted(rng, RESET_CHANNELS))
    scene.wait(1.5, 0.8)
    scene.login(entry, device)
    if scene.chance(0.6):
        scene.wait(10, 1.0)
    else:
        scene.wait(300, 1.0)
    if scene.chance(0.4):
        scene.trade(pick(rng, TRADED), _usual_amount(scene))
    target = _own_destination(scene, entry, device, new_share=0.45)
    scene.withdraw(target, _usual_amount(scene, lognormal(rng, 1.2, 0.5)), entry, device)


def failed_attack(scene: Scene, underground: Underground) -> None:
    """A stuffing crew tried the account and failed; later the owner logs in from home, perhaps
    changes the password after the failed-login notice, and withdraws as usual."""
    account, rng = scene.account, scene.rng
    crew = underground.crew(rng, CREDENTIAL_STUFFING)
    for _ in range(min(int(lognormal(rng, 4, 0.7)) + 1, 25)):
        scene.login(crew.endpoint(rng, account), crew.device(rng, reuse=0.3), success=False)
        scene.wait_seconds(2, 45)
    scene.wait(20, 1.5)
    entry, device = _home_entry(scene), _maybe_new_device(scene, 0.0)
    scene.login(entry, device)
    if scene.chance(0.3):
        scene.change("password_change", entry, device)
    scene.wait(8, 1.0)
    target = _own_destination(scene, entry, device, new_share=0.4)
    scene.withdraw(target, _usual_amount(scene, lognormal(rng, 1.3, 0.6)), entry, device)


def new_exchange(scene: Scene, underground: Underground) -> None:
    """The first withdrawal to another exchange: a new address of the user's own, from home."""
    rng = scene.rng
    entry, device = _home_entry(scene), _maybe_new_device(scene, 0.08)
    if scene.chance(0.7):
        scene.login(entry, device)
    scene.wait(6, 1.0)
    target = destination(rng)
    scene.adopted_wallets.append(target)
    if scene.send_to_new(target, entry, device, SAVES_ADDRESS):
        _address_to_withdrawal(scene)
    share = between(rng, 0.05, 0.6) if scene.chance(0.65) else between(rng, 0.6, 1.0)
    scene.withdraw(target, scene.balance * share, entry, device)


def trading_bot(scene: Scene, underground: Underground) -> None:
    """A trading bot on a cloud server: API keys, API trades and API withdrawals; a new set-up
    sometimes on a fresh server and without an IP allow-list."""
    account, rng = scene.account, scene.rng
    server = account.habits.bot_server or geo.hosting_near(rng, account.country.code).endpoint(rng)
    entry, device = _home_entry(scene), _maybe_new_device(scene, 0.0)
    api_withdrawal = True
    if scene.chance(0.6):  # setting up a (new) bot
        if scene.chance(0.4):
            server = geo.hosting_near(rng, account.country.code).endpoint(rng)
        scene.login(entry, device)
        scene.wait(3, 0.8)
        api_withdrawal = scene.chance(0.55)
        permissions = ["read", "trade", "withdraw"] if api_withdrawal else ["read", "trade"]
        scene.api_key(permissions, scene.chance(0.65), entry, device)
        scene.wait(30, 1.2)
    for _ in range(rng.randint(1, 6)):
        scene.trade(pick(rng, TRADED), _usual_amount(scene), server)
        scene.wait(5, 1.0)
    target = _own_destination(scene, entry, device, new_share=0.45)
    amount = _usual_amount(scene, lognormal(rng, 2.0, 0.6))
    if api_withdrawal:
        scene.withdraw(target, amount, server, None, api=True)
    else:
        scene.withdraw(target, amount, entry, device)


def large_withdrawal(scene: Scene, underground: Underground) -> None:
    """A wealthy user moving a large part of the balance, usually to a known address."""
    rng = scene.rng
    entry, device = _home_entry(scene), _maybe_new_device(scene, 0.1)
    if scene.chance(0.7):
        scene.login(entry, device)
        scene.wait(5, 1.0)
    target = _own_destination(scene, entry, device, new_share=0.45)
    scene.withdraw(target, scene.balance * between(rng, 0.3, 0.95), entry, device)


def account_exit(scene: Scene, underground: Underground) -> None:
    """Leaving the exchange: sometimes a reset or a new device first, then everything to a new address."""
    account, rng = scene.account, scene.rng
    entry = _home_entry(scene) if scene.chance(0.9) else pick(rng, geo.VPN).endpoint(rng)
    device = _maybe_new_device(scene, 0.4)
    if scene.chance(0.5):
        scene.change("password_reset", entry, device, channel=weighted(rng, RESET_CHANNELS))
        scene.wait(2, 0.8)
    if scene.chance(0.85):
        scene.login(entry, device)
    if scene.chance(0.08):
        scene.change("mfa_change", entry, device, action="disable", mfa_method=account.mfa)
    scene.wait(5, 1.0)
    if scene.chance(0.4):
        scene.trade("USDT", scene.balance * clip(lognormal(rng, 0.5, 0.4), 0.1, 1.0))
    target = destination(rng)
    scene.adopted_wallets.append(target)
    if scene.send_to_new(target, entry, device, SAVES_ADDRESS):
        _address_to_withdrawal(scene)
    scene.withdraw(target, scene.balance * between(rng, 0.9, 1.0), entry, device)


def shared_access(scene: Scene, underground: Underground) -> None:
    """Someone the owner trusts - a partner, a relative, an account manager - logs in from their own
    device and place and moves funds to their own address.  Authorised, so not a takeover."""
    account, rng = scene.account, scene.rng
    elsewhere = geo.country(pick(rng, list(geo.countries()))) if scene.chance(0.4) else account.country
    entry = pick(rng, (*elsewhere.residential, *elsewhere.mobile)).endpoint(rng)
    device = consumer_device(rng)
    if scene.chance(0.2):
        scene.login(entry, device, success=False)  # the shared password, mistyped
        scene.wait_seconds(10, 90)
    scene.login(entry, device)
    scene.wait(8, 1.2)
    target = destination(rng)
    if scene.send_to_new(target, entry, device, SAVES_ADDRESS):
        _address_to_withdrawal(scene)
    share = between(rng, 0.5, 1.0) if scene.chance(0.5) else between(rng, 0.1, 0.5)
    scene.withdraw(target, scene.balance * share, entry, device)


def p2p_merchant(scene: Scene, underground: Underground) -> None:
    """A peer-to-peer seller releasing coins to a buyer: a new address every time, often from a
    desk machine behind a VPN, amounts as large as the order."""
    rng = scene.rng
    entry = pick(rng, geo.VPN).endpoint(rng) if scene.chance(0.3) else _home_entry(scene)
    device = _maybe_new_device(scene, 0.0)
    if scene.chance(0.5):
        scene.login(entry, device)
        scene.wait(15, 1.2)
    buyer = destination(rng, service_share=0.05)
    if scene.send_to_new(buyer, entry, device, saves=0.1):
        scene.wait(1.5, 0.8)
    scene.withdraw(buyer, scene.balance * between(rng, 0.1, 0.9), entry, device)
