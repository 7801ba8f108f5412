"""Device fingerprints, user agents and crypto addresses."""

from __future__ import annotations

import random
from dataclasses import dataclass

from roca.simulate.rng import pick

APP_AGENTS = (
    "ExApp/6.4.2 (iPhone15,3; iOS 17.6.1)",
    "ExApp/6.4.1 (iPhone14,5; iOS 17.5)",
    "ExApp/6.4.2 (iPhone13,2; iOS 16.7.8)",
    "ExApp/6.3.9 (SM-S918B; Android 14)",
    "ExApp/6.4.0 (Pixel 8; Android 14)",
    "ExApp/6.2.7 (Redmi Note 12; Android 13)",
    "ExApp/6.3.5 (V2227A; Android 13)",
    "ExApp/6.4.2 (HUAWEI P60; HarmonyOS 4.0)",
    "ExApp/6.4.1 (OPPO Reno11; Android 14)",
)
_WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)"
WEB_AGENTS = (
    f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_WEBKIT} Chrome/126.0.0.0 Safari/537.36",
    f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_WEBKIT} Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) {_WEBKIT} Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
)
# What automation and phishing kits present: headless browsers, emulators, HTTP libraries.
TOOL_AGENTS = (
    f"Mozilla/5.0 (X11; Linux x86_64) {_WEBKIT} HeadlessChrome/124.0.0.0 Safari/537.36",
    "ExApp/6.1.0 (Android SDK built for x86_64; Android 11)",
    "okhttp/4.9.3",
    f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_WEBKIT} Chrome/118.0.0.0 Safari/537.36",
)
API_AGENTS = ("python-requests/2.32.3", "ccxt/4.3.41 Python/3.11.9", "Go-http-client/2.0", "node-fetch/2.7.0")

_HEX = "0123456789abcdef"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

# network -> (asset mix of withdrawals on it, share of all withdrawals)
NETWORKS: dict[str, tuple[tuple[str, ...], float]] = {
    "TRX": (("USDT",), 0.34),
    "ETH": (("USDT", "ETH", "USDC"), 0.24),
    "BTC": (("BTC",), 0.16),
    "BSC": (("USDT", "BNB"), 0.12),
    "SOL": (("SOL", "USDC"), 0.09),
    "ARB": (("USDC", "ETH"), 0.05),
}
NETWORK_WEIGHTS = {name: share for name, (_, share) in NETWORKS.items()}


@dataclass(frozen=True, slots=True)
class Device:
    device_id: str
    user_agent: str


@dataclass(frozen=True, slots=True)
class Wallet:
    """A withdrawal destination: an address on a network, and the asset usually sent there."""

    address: str
    network: str
    asset: str


# Deposit addresses shared by many customers of one service (a memo or tag tells them apart):
# payment processors, OTC desks, exchanges' omnibus addresses.  Fixed, so they recur across runs.
SERVICE_WALLETS = (
    Wallet("0x28c6c06298d514db089934071355e5743bf21d60", "ETH", "USDT"),
    Wallet("0xdfd5293d8e347dfe59e90efd55b2956a1343963d", "ETH", "USDC"),
    Wallet("TNaRAoLUyYEV2uF7GUrzSjRQTU8v5ZJ5VR", "TRX", "USDT"),
    Wallet("TV6MuMXfmLbBqPZvBHdwFsDnQeVfnmiuSi", "TRX", "USDT"),
    Wallet("0x8894e0a0c962cb723c1976a4421c95949be2d4e3", "BSC", "USDT"),
    Wallet("bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h", "BTC", "BTC"),
)


def device_id(rng: random.Random) -> str:
    return f"dev-{rng.getrandbits(40):010x}"


def consumer_device(rng: random.Random, web_share: float = 0.3) -> Device:
    agents = WEB_AGENTS if rng.random() < web_share else APP_AGENTS
    return Device(device_id(rng), pick(rng, agents))


def tool_device(rng: random.Random, disguised_share: float = 0.5) -> Device:
    """An attacker's fingerprint: often a normal-looking browser, otherwise tooling."""
    if rng.random() < disguised_share:
        return consumer_device(rng, web_share=0.7)
    return Device(device_id(rng), pick(rng, TOOL_AGENTS))


def _chars(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(alphabet[int(rng.random() * len(alphabet))] for _ in range(count))


def address(rng: random.Random, network: str) -> str:
    if network in ("ETH", "BSC", "ARB"):
        return "0x" + _chars(rng, _HEX, 40)
    if network == "TRX":
        return "T" + _chars(rng, _BASE58, 33)
    if network == "BTC":
        return "bc1q" + _chars(rng, _BECH32, 38)
    return _chars(rng, _BASE58, 44)


def wallet(rng: random.Random, network: str) -> Wallet:
    return Wallet(address(rng, network), network, pick(rng, NETWORKS[network][0]))


def destination(rng: random.Random, service_share: float = 0.15) -> Wallet:
    """A user's new withdrawal destination: their own wallet, or a shared service address."""
    if rng.random() < service_share:
        return pick(rng, SERVICE_WALLETS)
    return wallet(rng, pick_network(rng))


def pick_network(rng: random.Random) -> str:
    target, running = rng.random(), 0.0
    for name, share in NETWORK_WEIGHTS.items():
        running += share
        if target < running:
            return name
    return "TRX"
