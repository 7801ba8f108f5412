"""The account page: every case, device, network, address and event of one account."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
