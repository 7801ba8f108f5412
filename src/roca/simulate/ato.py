"""ATO alerts: which story happens to whom, when, and the case upstream sends about it."""

from __future__ import annotations

import random
from dataclasses import dataclass

from roca.simulate import alerts, ato_campaigns, ato_legit, envelope
from roca.simulate.background import local_daytime
from roca.simulate.config import (
    CREDENTIAL_STUFFING,
    NOVEL_CAMPAIGN,
    PHISHING_API_KEY,
    SESSION_HIJACK,
    SIM_SWAP,
)
from roca.simulate.population import DAY
from roca.simulate.rng import lognormal, weighted
from roca.simulate.scene import Scene
from roca.simulate.timeline import materialize, recent_timeline
from roca.simulate.world import Draft, World

# Shares of the legitimate look-alikes among ATO alerts that are not ATO.
LEGIT_MIX = {
    "travel": 0.13,
    "new_phone": 0.13,
    "lost_phone": 0.06,
    "vpn_user": 0.10,
    "forgotten_password": 0.10,
    "failed_attack": 0.06,
    "new_exchange": 0.14,
    "trading_bot": 0.06,
    "large_withdrawal": 0.07,
    "account_exit": 0.07,
    "shared_access": 0.05,
    "p2p_merchant": 0.03,
}


@dataclass(frozen=True, slots=True)
class AtoScenario:
    profile: str  # who it happens to (population.PROFILES)
    daytime: bool  # happens while the account holder is awake
    campaign: ato_campaigns.Campaign | None = None
    look_alike: ato_legit.LookAlike | None = None

    @property
    def malicious(self) -> bool:
        return self.campaign is not None


SCENARIOS: dict[str, AtoScenario] = {
    CREDENTIAL_STUFFING: AtoScenario("weak_mfa", False, campaign=ato_campaigns.credential_stuffing),
    SIM_SWAP: AtoScenario("phone_number", False, campaign=ato_campaigns.sim_swap),
    PHISHING_API_KEY: AtoScenario("valuable", True, campaign=ato_campaigns.phishing_api_key),
    SESSION_HIJACK: AtoScenario("valuable", False, campaign=ato_campaigns.session_hijack),
    NOVEL_CAMPAIGN: AtoScenario("web_user", True, campaign=ato_campaigns.address_book_poisoning),
    "travel": AtoScenario("traveller", True, look_alike=ato_legit.travel),
    "new_phone": AtoScenario("active", True, look_alike=ato_legit.new_phone),
    "lost_phone": AtoScenario("phone_number", True, look_alike=ato_legit.lost_phone),
    "vpn_user": AtoScenario("vpn_user", True, look_alike=ato_legit.vpn_user),
    "forgotten_password": AtoScenario("active", True, look_alike=ato_legit.forgotten_password),
    "failed_attack": AtoScenario("weak_mfa", True, look_alike=ato_legit.failed_attack),
    "new_exchange": AtoScenario("wallet_owner", True, look_alike=ato_legit.new_exchange),
    "trading_bot": AtoScenario("bot", False, look_alike=ato_legit.trading_bot),
    "large_withdrawal": AtoScenario("whale", True, look_alike=ato_legit.large_withdrawal),
    "account_exit": AtoScenario("active", True, look_alike=ato_legit.account_exit),
    "shared_access": AtoScenario("valuable", False, look_alike=ato_legit.shared_access),
    "p2p_merchant": AtoScenario("p2p_merchant", True, look_alike=ato_legit.p2p_merchant),
}


def _play(scenario: AtoScenario, name: str, scene: Scene, world: World) -> None:
    if scenario.campaign is not None:
        scenario.campaign(scene, world.underground.crew(scene.rng, name))
    elif scenario.look_alike is not None:
        scenario.look_alike(scene, world.underground)


def _trigger_time(rng: random.Random, world: World, day: int, utc_offset: int, daytime: bool) -> int:
    start = world.day_start(day)
    if daytime:
        return local_daytime(rng, start, utc_offset, peak_hour=15.0)
    return start + rng.randint(0, DAY - 1)  # attackers keep their own hours, not the victim's


def ato_draft(world: World, rng: random.Random, day: int) -> Draft:
    config = world.config
    malicious = rng.random() < config.ato_true_rate
    name = weighted(rng, config.campaign_mix(day) if malicious else LEGIT_MIX)
    scenario = SCENARIOS[name]
    account = world.population.pick(rng, scenario.profile, day)
    materialize(world.seed, account, day, world.start_t, config.history_days)
    scene = Scene(rng, account, account.balance * lognormal(rng, 1.0, 0.08))
    _play(scenario, name, scene, world)
    balance = scene.balance
    daytime = (scenario.daytime and rng.random() > 0.15) or scene.daytime  # some owners are night owls
    trigger = _trigger_time(rng, world, day, account.country.utc_offset, daytime)
    trigger = max(trigger, scene.earliest_trigger(account.created_t + 600))
    last = scene.finish(trigger)
    created = envelope.alert_time(rng, trigger)
    timeline = recent_timeline(account, max(created, last), config.history_days, config.history_cap)
    case = envelope.body(
        "ato",
        created,
        envelope.subject(rng, account, balance),
        alerts.ato_alert(rng, scene.footprint, malicious),
        envelope.in_transit(rng, timeline),
        amount_at_risk=scene.footprint.amount,
    )
    label = "confirm_ato" if malicious else "not_ato"
    return Draft("ato", created, case, label, name, malicious, account.account_id, scene.variant)
