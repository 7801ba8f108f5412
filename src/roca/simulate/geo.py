"""Countries, their consumer networks, and the hosting, VPN and Tor networks attackers hide behind.

ASNs are real operators; the address blocks are plausible, not authoritative.  Consumer networks use
/16 blocks (big pools: two users rarely share an IP), VPN and Tor exits use /24 blocks (small pools:
a commercial VPN's exits are shared by its legitimate users and by attackers alike).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from roca.cases.schemas import AsnType
from roca.simulate.rng import pick


@dataclass(frozen=True, slots=True)
class NetworkRange:
    asn: int
    asn_type: AsnType
    country: str
    prefixes: tuple[str, ...]  # "a.b" (/16) or "a.b.c" (/24)

    def ip(self, rng: random.Random) -> str:
        prefix = pick(rng, self.prefixes)
        if prefix.count(".") == 1:
            # Carrier-grade NAT: a mobile carrier puts its subscribers behind a few public blocks.
            third = rng.randint(0, 15) if self.asn_type == "mobile" else rng.randint(0, 255)
            return f"{prefix}.{third}.{rng.randint(1, 254)}"
        return f"{prefix}.{rng.randint(1, 254)}"

    def endpoint(self, rng: random.Random) -> Endpoint:
        return Endpoint(self.ip(rng), self.country, self.asn, self.asn_type)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a request came from, as an upstream IP-intelligence lookup reports it."""

    ip: str
    country: str
    asn: int
    asn_type: AsnType


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    weight: float  # share of the exchange's users
    utc_offset: int  # hours; one zone per country is enough for daily rhythms
    zh_share: float  # share of users who use the Chinese interface
    name_style: str
    residential: tuple[NetworkRange, ...]
    mobile: tuple[NetworkRange, ...]


_Blocks = dict[int, tuple[str, ...]]
# code, weight, UTC offset, zh share, name style, residential ASNs, mobile ASNs
_COUNTRY_ROWS: list[tuple[str, float, int, float, str, _Blocks, _Blocks]] = [
    ("CN", 9, 8, 0.97, "zh",
     {4134: ("113.64", "116.224"), 4837: ("123.112", "221.192")}, {9808: ("120.204", "223.104")}),
    ("HK", 5, 8, 0.85, "zh_hk",
     {4760: ("112.118", "218.102"), 9269: ("61.244", "119.236")}, {9231: ("223.119", "183.178")}),
    ("TW", 5, 8, 0.95, "zh_tw",
     {3462: ("1.160", "36.224"), 4780: ("61.216", "211.20")}, {24158: ("49.216", "27.52")}),
    ("SG", 4, 8, 0.35, "sg",
     {9506: ("116.86", "118.200"), 55430: ("58.182", "101.127")}, {4773: ("111.65", "119.56")}),
    ("MY", 3, 8, 0.25, "ms",
     {4788: ("175.136", "60.48")}, {10030: ("115.164", "183.171")}),
    ("JP", 5, 9, 0.02, "ja",
     {4713: ("153.156", "180.12"), 2516: ("106.128", "27.80")}, {17676: ("126.0", "126.208")}),
    ("KR", 5, 9, 0.01, "ko",
     {4766: ("175.192", "211.36"), 9318: ("1.224", "58.140")}, {9644: ("211.234", "223.38")}),
    ("VN", 5, 7, 0.01, "vi",
     {7552: ("27.64", "171.224"), 45899: ("113.160", "14.160")}, {7552: ("116.96", "27.72")}),
    ("TH", 3, 7, 0.02, "th",
     {23969: ("171.96", "49.228")}, {131445: ("49.237", "110.168")}),
    ("ID", 4, 7, 0.02, "id",
     {7713: ("36.64", "180.244")}, {23693: ("114.122", "182.0")}),
    ("PH", 3, 8, 0.01, "fil",
     {9299: ("112.198", "122.52")}, {132199: ("110.54", "175.176")}),
    ("IN", 5, 5, 0.0, "hi",
     {24560: ("122.160", "182.64")}, {55836: ("49.36", "157.32")}),
    ("TR", 4, 3, 0.0, "tr",
     {9121: ("78.160", "88.224")}, {16135: ("31.223", "46.196")}),
    ("AE", 2, 4, 0.02, "ar",
     {5384: ("94.200", "86.96")}, {15802: ("91.72", "5.30")}),
    ("US", 6, -5, 0.02, "en",
     {7922: ("73.0", "98.200"), 7018: ("99.0", "107.200")}, {21928: ("172.56", "208.54")}),
    ("CA", 2, -5, 0.03, "en",
     {812: ("99.224", "174.112")}, {22652: ("24.114", "206.47")}),
    ("GB", 4, 0, 0.01, "en",
     {2856: ("81.128", "86.128"), 5089: ("82.0", "94.0")}, {12576: ("31.94", "176.250")}),
    ("AU", 2, 10, 0.03, "en",
     {1221: ("101.160", "110.140")}, {4804: ("1.144", "49.195")}),
    ("DE", 4, 1, 0.0, "de",
     {3320: ("79.192", "91.0"), 3209: ("88.64", "95.88")}, {6805: ("46.114", "176.0")}),
    ("FR", 3, 1, 0.01, "fr",
     {3215: ("90.0", "92.128"), 12322: ("82.64", "88.160")}, {51207: ("37.160", "80.214")}),
    ("ES", 2, 1, 0.0, "es",
     {3352: ("83.32", "88.0")}, {12430: ("37.132", "85.50")}),
    ("IT", 2, 1, 0.0, "it",
     {3269: ("79.0", "87.0")}, {30722: ("5.168", "151.16")}),
    ("NL", 1, 1, 0.0, "nl",
     {1136: ("77.160", "84.80")}, {33915: ("31.20", "89.200")}),
    ("PL", 1, 1, 0.0, "pl",
     {5617: ("83.0", "89.64")}, {12912: ("46.76", "188.146")}),
    ("RU", 3, 3, 0.0, "ru",
     {12389: ("95.24", "178.64")}, {8359: ("83.149", "91.76")}),
    ("UA", 2, 2, 0.0, "uk",
     {15895: ("31.40", "46.211")}, {15895: ("176.36", "94.153")}),
    ("BR", 4, -3, 0.0, "pt",
     {28573: ("177.12", "191.176"), 18881: ("177.32", "189.60")}, {26599: ("177.100", "179.240")}),
    ("AR", 2, -3, 0.0, "es",
     {7303: ("181.0", "190.16")}, {22927: ("186.128", "200.3")}),
    ("MX", 2, -6, 0.0, "es",
     {8151: ("187.128", "189.128")}, {28403: ("187.184", "201.144")}),
    ("NG", 3, 1, 0.0, "yo",
     {29465: ("105.112", "197.210")}, {36873: ("102.89", "105.176")}),
]  # fmt: skip


def _ranges(code: str, asn_type: AsnType, blocks: _Blocks) -> tuple[NetworkRange, ...]:
    return tuple(NetworkRange(asn, asn_type, code, prefixes) for asn, prefixes in blocks.items())


@cache
def countries() -> dict[str, Country]:
    return {
        code: Country(
            code, weight, offset, zh, style, _ranges(code, "residential", res), _ranges(code, "mobile", mob)
        )
        for code, weight, offset, zh, style, res, mob in _COUNTRY_ROWS
    }


def country(code: str) -> Country:
    return countries()[code]


def country_weights() -> dict[str, float]:
    return {code: c.weight for code, c in countries().items()}


# Hosting: the cloud regions that phishing kits, stuffing tools and bots run from.
HOSTING: tuple[NetworkRange, ...] = (
    NetworkRange(16509, "hosting", "US", ("3.80", "18.204", "54.157")),
    NetworkRange(16509, "hosting", "SG", ("13.228", "18.139")),
    NetworkRange(16509, "hosting", "JP", ("13.112", "54.248")),
    NetworkRange(16509, "hosting", "DE", ("3.120", "18.192")),
    NetworkRange(14061, "hosting", "US", ("159.89", "167.99")),
    NetworkRange(14061, "hosting", "NL", ("188.166", "146.190")),
    NetworkRange(14061, "hosting", "SG", ("128.199", "159.223")),
    NetworkRange(24940, "hosting", "DE", ("78.46", "88.198")),
    NetworkRange(24940, "hosting", "FI", ("65.21", "95.216")),
    NetworkRange(16276, "hosting", "FR", ("51.75", "51.91")),
    NetworkRange(20473, "hosting", "JP", ("45.76", "149.28")),
    NetworkRange(63949, "hosting", "US", ("172.104", "45.79")),
    NetworkRange(45102, "hosting", "HK", ("47.242", "8.210")),
    NetworkRange(45102, "hosting", "SG", ("47.74", "8.219")),
    NetworkRange(45102, "hosting", "CN", ("47.100", "39.96")),
    NetworkRange(132203, "hosting", "HK", ("43.128", "43.132")),
    NetworkRange(8075, "hosting", "US", ("20.42", "52.168")),
)

# Commercial VPN exits: small /24 pools, so subscribers (and attackers) share exit IPs.
VPN: tuple[NetworkRange, ...] = (
    NetworkRange(9009, "vpn", "GB", ("185.94.190", "146.70.176")),
    NetworkRange(9009, "vpn", "US", ("146.70.116", "37.19.198")),
    NetworkRange(9009, "vpn", "HK", ("146.70.45",)),
    NetworkRange(9009, "vpn", "SG", ("146.70.192",)),
    NetworkRange(9009, "vpn", "NL", ("89.38.97",)),
    NetworkRange(60068, "vpn", "DE", ("169.150.197",)),
    NetworkRange(60068, "vpn", "JP", ("138.199.22",)),
    NetworkRange(60068, "vpn", "US", ("156.146.54",)),
    NetworkRange(212238, "vpn", "SG", ("89.187.162",)),
    NetworkRange(212238, "vpn", "HK", ("84.17.57",)),
    NetworkRange(136787, "vpn", "US", ("45.134.140",)),
    NetworkRange(136787, "vpn", "JP", ("185.147.213",)),
)

# Tor exits: shared by everyone who uses Tor.
TOR: tuple[NetworkRange, ...] = (
    NetworkRange(205100, "tor", "DE", ("185.220.101", "185.220.100")),
    NetworkRange(60729, "tor", "DE", ("185.220.102",)),
    NetworkRange(208323, "tor", "AT", ("109.70.100",)),
    NetworkRange(396507, "tor", "US", ("23.129.64",)),
    NetworkRange(53667, "tor", "LU", ("107.189.10",)),
)


def vpn_ranges_for(country_code: str) -> tuple[NetworkRange, ...]:
    """Exits a subscriber in this country would pick: one at home if the VPN has it, else nearby."""
    local = tuple(r for r in VPN if r.country == country_code)
    return local or VPN


def hosting_near(rng: random.Random, country_code: str) -> NetworkRange:
    local = [r for r in HOSTING if r.country == country_code]
    return pick(rng, local) if local and rng.random() < 0.6 else pick(rng, HOSTING)
