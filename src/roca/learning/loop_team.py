"""The closed loop's people: simulated reviewers as real console users, with shifts and a daily
capacity.  Each works through the same services a person at the console uses."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from roca.auth.roles import Role
from roca.auth.schemas import Principal, UserCreate
from roca.auth.service import create_user
from roca.simulate.reviewers import ReviewerProfile

ROLES = {"reviewer": Role.REVIEWER, "senior_reviewer": Role.SENIOR_REVIEWER, "qa": Role.QA}
SHIFT_HOURS = 8


@dataclass(slots=True)
class Member:
    profile: ReviewerProfile
    who: Principal
    shift_start: int  # hour of the day (UTC) the shift starts
    done_today: int = 0
    busy: bool = False  # working on a task, or about to look for one

    def on_shift(self, hour: int) -> bool:
        return (hour - self.shift_start) % 24 < SHIFT_HOURS

    @property
    def available(self) -> bool:
        return self.done_today < self.profile.capacity

    @property
    def senior(self) -> bool:
        return self.profile.role == "senior_reviewer"

    @property
    def qa(self) -> bool:
        return self.profile.role == "qa"


def enrol(session: Session, profiles: list[ReviewerProfile]) -> list[Member]:
    """Create a console user per profile; shifts are staggered so every hour is covered."""
    members = []
    for index, profile in enumerate(profiles):
        user = create_user(
            session,
            UserCreate(
                username=profile.name,
                password=secrets.token_urlsafe(18),  # nobody signs in as a simulated reviewer
                role=ROLES[profile.role],
                display_name=f"simulated {profile.role.replace('_', ' ')}",
                language=profile.language,
            ),
            "closed-loop",
        )
        who = Principal(
            user_id=user.id, username=user.username, role=ROLES[profile.role], language=user.language
        )
        members.append(Member(profile, who, shift_start=(index * 24 // max(len(profiles), 1)) % 24))
    return members
