"""The account page: every case and decision of an account, its devices, networks and addresses
with first / last seen, and a timeline filter that works with and without htmx."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from roca.auth.repository import user_by_username
from roca.auth.roles import Role
from roca.auth.schemas import Principal
from roca.config import Settings
from roca.review import service as review
from roca.storage import session_scope
from roca.web.timeline import SECURITY_TYPES, WITHDRAWAL_TYPES
from tests.console import console_user, sign_in
from tests.console_cases import scored_case_with_task

ACCOUNT = "u-88213-acct"
_ROW = re.compile(r"<tr[^>]*>.*?</tr>", re.S)
_EVENT_TYPES = re.compile(r'data-event-type="([a-z_]+)"')


def _account(factory: sessionmaker[Session], settings: Settings, events: int = 40) -> dict[str, int]:
    """Two cases of one account: a sim swap a reviewer decided, and one under a blind QA audit."""
    console_user(factory, "rita", Role.REVIEWER)
    decided, task = scored_case_with_task(factory, settings, events=events, account_id=ACCOUNT,
                                          external_id="alrt-decided", claimed_by="rita")  # fmt: skip
    with session_scope(factory) as session:
        rita = user_by_username(session, "rita")
        assert rita is not None
        who = Principal(user_id=rita.id, username="rita", role=Role.REVIEWER)
        review.decide(session, task, who, "confirm_ato")
    audited, _ = scored_case_with_task(
        factory, settings, kind="qa", account_id=ACCOUNT, external_id="alrt-audit"
    )
    return {"decided": decided, "audited": audited}


def _row(html: str, needle: str) -> str:
    return next(str(row) for row in _ROW.findall(html) if needle in row)


def test_cases_decisions_and_identifiers(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    ids = _account(session_factory, settings)
    sign_in(client, "rita")
    page = client.get(f"/accounts/{ACCOUNT}")
    assert page.status_code == 200
    decided = _row(page.text, "alrt-decided")
    assert f'href="/cases/{ids["decided"]}"' in decided
    assert "Confirm account takeover" in decided and "confidence" in decided  # ROCA's answer
    assert "by rita" in decided and "Decided" in decided  # the reviewer's decision, who and when
    audited = _row(page.text, "alrt-audit")
    assert f'href="/cases/{ids["audited"]}"' in audited
    assert "Hidden during a blind review" in audited
    assert "Confirm account takeover" not in audited and "confidence" not in audited
    assert "by ROCA" not in audited

    tor_login = _row(page.text, "dev-77c0")  # the sim swap's new device: once, at 03:10:15
    assert tor_login.count("Nov 2, 2026, 3:10:15") == 2 and re.search(r'class="num">1<', tor_login)
    home = _row(page.text, '<td class="value">dev-a91f</td>')
    assert "2026" in home and not re.search(r'class="num">1<', home)  # seen many times
    network = _row(page.text, "AS205100")
    assert "DE" in network and "Tor" in network


def test_pii_masked_for_a_reviewer_and_raw_for_a_senior(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _account(session_factory, settings)
    console_user(session_factory, "sam", Role.SENIOR_REVIEWER)
    sign_in(client, "rita")
    masked = client.get(f"/accounts/{ACCOUNT}").text
    assert "185.220.101.•" in masked and "185.220.101.7" not in masked
    assert "TQ•••" in masked and "TQ9x...f3" not in masked
    assert "masked for your role" in masked
    client.cookies.clear()
    sign_in(client, "sam")
    raw = client.get(f"/accounts/{ACCOUNT}").text
    assert "185.220.101.7" in raw and "TQ9x...f3" in raw and "masked for your role" not in raw


def test_timeline_filter_by_type_full_page_and_htmx_partial(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _account(session_factory, settings)
    sign_in(client, "rita")
    everything = set(_EVENT_TYPES.findall(client.get(f"/accounts/{ACCOUNT}").text))
    assert {"login", "trade", "phone_change", "withdrawal"} <= everything

    security = client.get(f"/accounts/{ACCOUNT}", params={"group": "security"})
    shown = set(_EVENT_TYPES.findall(security.text))
    assert {"phone_change", "password_reset", "mfa_change"} <= shown <= SECURITY_TYPES
    assert 'value="security" selected' in security.text  # the form shows the filter in force
    assert "Security change" in security.text  # the tag, not colour alone

    partial = client.get(
        f"/accounts/{ACCOUNT}/timeline", params={"group": "withdrawal"}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200 and "<html" not in partial.text
    assert set(_EVENT_TYPES.findall(partial.text)) == set(WITHDRAWAL_TYPES)
    assert partial.headers["HX-Push-Url"] == f"/accounts/{ACCOUNT}?group=withdrawal"
    assert "Money out" in partial.text


def test_timeline_filter_by_date_range(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _account(session_factory, settings)
    sign_in(client, "rita")
    day = client.get(f"/accounts/{ACCOUNT}", params={"since": "2026-11-02", "until": "2026-11-02"})
    # The sim swap's last morning: phone change to withdrawal, seven events; the history ends earlier.
    assert _EVENT_TYPES.findall(day.text) == [
        "withdrawal", "withdrawal_address_add", "anti_phishing_code_change", "mfa_change", "login",
        "password_reset", "phone_change",
    ]  # fmt: skip
    assert "Showing events 1 to 7 of 7" in day.text
    bad = client.get(f"/accounts/{ACCOUNT}", params={"since": "yesterday"})
    assert bad.status_code == 200 and "could not be read" in bad.text


def test_a_long_timeline_pages_through_older_events(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _account(session_factory, settings, events=620)
    sign_in(client, "rita")
    first = client.get(f"/accounts/{ACCOUNT}")
    newest = re.findall(r'<td class="when">([^<]+)</td>', first.text)
    assert len(newest) == 500 and "Showing events 1 to 500 of 620" in first.text
    older = re.search(r'class="older" href="([^"]+)"', first.text)
    assert older is not None
    rest = client.get(older.group(1).replace("&amp;", "&"))
    oldest = re.findall(r'<td class="when">([^<]+)</td>', rest.text)
    assert len(oldest) == 120 and 'class="older"' not in rest.text
    assert "Showing events 501 to 620 of 620" in rest.text and 'class="newest"' in rest.text
    assert not set(newest) & set(oldest)  # one history, each event shown once


def test_chinese_rendering(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _account(session_factory, settings)
    sign_in(client, "rita")
    page = client.get(f"/accounts/{ACCOUNT}", params={"lang": "zh"})
    assert f"账户 {ACCOUNT}" in page.text and "时间线" in page.text and "提币地址" in page.text
    assert "确认账户被盗" in page.text and "更换手机号" in page.text and "盲审期间隐藏" in page.text
    assert "2026年11月2日" in page.text  # dates per locale
    assert "Timeline" not in page.text


@pytest.mark.parametrize("path", ["/accounts/nobody", "/accounts/nobody/timeline"])
def test_unknown_account_is_404(
    client: TestClient, session_factory: sessionmaker[Session], path: str
) -> None:
    console_user(session_factory, "rita", Role.REVIEWER)
    sign_in(client, "rita")
    response = client.get(path)
    assert response.status_code == 404 and "does not exist" in response.text


def test_signed_out_visitors_go_to_login(client: TestClient) -> None:
    response = client.get(f"/accounts/{ACCOUNT}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
