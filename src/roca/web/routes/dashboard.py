"""The risk lead's dashboard: automation, measured error, agreement, queue health and drift."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
