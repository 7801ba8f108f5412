"""The case page: what ROCA found and recommends, and the reviewer's decision."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
