"""A simulated exchange: a persistent population, attack campaigns and their legitimate look-alikes,
producing cases in the intake contract with ground truth (see ``docs/simulation.md``)."""

from roca.simulate.config import SimulationConfig
from roca.simulate.exchange import Exchange
from roca.simulate.world import GroundTruth, SimulatedCase

__all__ = ["Exchange", "GroundTruth", "SimulatedCase", "SimulationConfig"]
