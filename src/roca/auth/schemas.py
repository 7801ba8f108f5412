from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from roca.auth.roles import Role


class Principal(BaseModel):
    """Who is calling: resolved from a token or a session on every request."""

    user_id: int
    username: str
    role: Role
    language: str = "en"


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=256)
    role: Role
    display_name: str = Field(default="", max_length=128)
    language: str = Field(default="en", pattern=r"^(en|zh)$")


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    language: str
    is_active: bool
    created_at: datetime


class TokenCreated(BaseModel):
    id: int
    name: str
    token: str = Field(description="shown once; only its hash is stored")
    expires_at: datetime | None


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
