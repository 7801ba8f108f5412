"""Attacker crews and the infrastructure they reuse from victim to victim.

A crew rents a few hosting or VPN blocks, keeps a handful of device fingerprints (antidetect
browser profiles, emulators) and cashes out to a small set of addresses.  Reuse is what leaves
cross-account links (same device, IP or address on several victims); fresh values, residential
proxies in the victim's own country and Tor exits are what keeps those links from being certain.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from roca.simulate import geo
from roca.simulate.config import (
    CAMPAIGNS,
    CREDENTIAL_STUFFING,
    NOVEL_CAMPAIGN,
    PHISHING_API_KEY,
    SESSION_HIJACK,
    SIM_SWAP,
)
from roca.simulate.geo import Endpoint, NetworkRange
from roca.simulate.identifiers import SERVICE_WALLETS, Device, Wallet, consumer_device, tool_device, wallet
from roca.simulate.names import PersonName, latin_name, postal_address
from roca.simulate.population import Account
from roca.simulate.rng import pick, stream, weighted

CASH_OUT_NETWORKS = {"TRX": 0.55, "ETH": 0.15, "BSC": 0.15, "BTC": 0.1, "SOL": 0.05}
# campaign: (crews, residential-proxy share, Tor share)
CREW_SHAPES: dict[str, tuple[int, float, float]] = {
    CREDENTIAL_STUFFING: (4, 0.30, 0.08),
    SIM_SWAP: (3, 0.30, 0.30),
    PHISHING_API_KEY: (3, 0.25, 0.05),
    SESSION_HIJACK: (3, 0.35, 0.10),
    NOVEL_CAMPAIGN: (1, 0.0, 0.0),
}


@dataclass(frozen=True, slots=True)
class Crew:
    name: str
    campaign: str
    blocks: tuple[NetworkRange, ...]  # rented hosting/VPN /24s
    exit_ips: tuple[Endpoint, ...]  # the proxies it keeps coming back to
    devices: tuple[Device, ...]
    wallets: tuple[Wallet, ...]
    proxy_share: float
    tor_share: float

    def endpoint(self, rng: random.Random, victim: Account) -> Endpoint:
        roll = rng.random()
        if roll < self.proxy_share:  # a residential proxy next door to the victim: looks like home
            return pick(rng, (*victim.country.residential, *victim.country.mobile)).endpoint(rng)
        if roll < self.proxy_share + self.tor_share:
            return pick(rng, geo.TOR).endpoint(rng)
        if rng.random() < 0.25:
            return pick(rng, self.exit_ips)
        return pick(rng, self.blocks).endpoint(rng)

    def device(self, rng: random.Random, reuse: float = 0.5) -> Device:
        return pick(rng, self.devices) if rng.random() < reuse else tool_device(rng)

    def cash_out(self, rng: random.Random, reuse: float = 0.35) -> Wallet:
        """One of the crew's addresses, a fresh one, or (sometimes) a big service's shared deposit
        address with the crew's memo: cashing out through an exchange that asks no questions."""
        roll = rng.random()
        if roll < 0.15:
            return pick(rng, SERVICE_WALLETS)
        if roll < 0.15 + 0.85 * reuse:
            return pick(rng, self.wallets)
        return wallet(rng, weighted(rng, CASH_OUT_NETWORKS))


def _block(rng: random.Random) -> NetworkRange:
    """A /24 inside a hosting region, or a whole VPN exit pool (shared with that VPN's subscribers)."""
    if rng.random() < 0.35:
        return pick(rng, geo.VPN)
    region = pick(rng, geo.HOSTING)
    prefix = f"{pick(rng, region.prefixes)}.{rng.randint(0, 255)}"
    return NetworkRange(region.asn, region.asn_type, region.country, (prefix,))


def build_crew(seed: int, campaign: str, number: int) -> Crew:
    rng = stream(seed, "crew", campaign, number)
    _, proxy_share, tor_share = CREW_SHAPES[campaign]
    blocks = tuple(_block(rng) for _ in range(rng.randint(1, 3)))
    exit_ips = tuple(pick(rng, blocks).endpoint(rng) for _ in range(rng.randint(3, 8)))
    devices = tuple(tool_device(rng) for _ in range(rng.randint(2, 6)))
    size = 6 if campaign == NOVEL_CAMPAIGN else rng.randint(5, 12)
    wallets = tuple(wallet(rng, weighted(rng, CASH_OUT_NETWORKS)) for _ in range(size))
    name = f"{campaign}-{number + 1:02d}"
    return Crew(name, campaign, blocks, exit_ips, devices, wallets, proxy_share, tor_share)


@dataclass(frozen=True, slots=True)
class IdentityFarm:
    """Synthetic identities made in bulk: a few phones and emulators, a few connections, a few
    mail-drop addresses, reused for every account the farm opens."""

    country: str
    devices: tuple[Device, ...]
    endpoints: tuple[Endpoint, ...]
    postal_addresses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Nominee:
    """A professional nominee: the same person on the share register of many companies."""

    name: PersonName
    date_of_birth: str
    nationality: str


FARM_COUNTRIES = ("NG", "VN", "ID", "PH", "BR", "IN", "UA", "TR")
NOMINEE_STYLES = (("en", "GB"), ("en", "SG"), ("ru", "RU"), ("tr", "TR"), ("yo", "NG"), ("ar", "AE"))


def build_farm(seed: int, number: int) -> IdentityFarm:
    rng = stream(seed, "farm", number)
    home = geo.country(pick(rng, FARM_COUNTRIES))
    devices = tuple(
        consumer_device(rng, 0.2) if rng.random() < 0.6 else tool_device(rng, 0.0) for _ in range(3)
    )
    ranges = (*home.mobile, *home.mobile, *geo.HOSTING)
    endpoints = tuple(pick(rng, ranges).endpoint(rng) for _ in range(rng.randint(2, 4)))
    addresses = tuple(postal_address(rng, home.code) for _ in range(3))
    return IdentityFarm(home.code, devices, endpoints, addresses)


def build_nominee(seed: int, number: int) -> Nominee:
    rng = stream(seed, "nominee", number)
    style, nationality = pick(rng, NOMINEE_STYLES)
    born = f"{rng.randint(1945, 1990)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return Nominee(latin_name(rng, style), born, nationality)


class Underground:
    """Every crew of the run, by campaign (the first crews of a campaign are the busiest), identity
    farms, nominee directors and money-mule cash-out addresses."""

    def __init__(self, seed: int) -> None:
        self.crews = {
            campaign: [build_crew(seed, campaign, n) for n in range(CREW_SHAPES[campaign][0])]
            for campaign in (*CAMPAIGNS, NOVEL_CAMPAIGN)
        }
        self.farms = [build_farm(seed, n) for n in range(5)]
        self.nominees = [build_nominee(seed, n) for n in range(6)]
        rng = stream(seed, "mules")
        self.mule_wallets = [wallet(rng, weighted(rng, CASH_OUT_NETWORKS)) for _ in range(8)]

    def crew(self, rng: random.Random, campaign: str) -> Crew:
        crews = self.crews[campaign]
        return rng.choices(crews, weights=[1 / (n + 1) for n in range(len(crews))])[0]
