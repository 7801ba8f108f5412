"""Four-eyes approvals: decisions waiting for a second person."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
