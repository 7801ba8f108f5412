from __future__ import annotations

import subprocess
import sys

import pytest

from roca.auth.roles import ROLE_PERMISSIONS, Permission, Role, has_permission
from roca.auth.secrets import hash_password, new_token, token_digest, verify_password
from roca.config import DEV_SECRET_KEY, Settings
from roca.errors import ConfigurationError


def test_only_admins_manage_users() -> None:
    holders = {role for role, perms in ROLE_PERMISSIONS.items() if Permission.USERS_MANAGE in perms}
    assert holders == {Role.ADMIN}
    assert not has_permission("reviewer", Permission.USERS_MANAGE)
    assert not has_permission("no-such-role", Permission.CASES_READ)


def test_every_named_role_exists() -> None:
    names = {r.value for r in Role}
    assert {"reviewer", "senior_reviewer", "qa", "risk_lead", "ml_engineer", "admin"} <= names


def test_passwords_are_argon2_and_verify() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse")
    assert not verify_password(stored, "wrong horse")
    assert not verify_password("not-a-hash", "x")


def test_tokens_are_random_and_only_digests_are_kept() -> None:
    a, b = new_token(), new_token()
    assert a != b
    assert a.startswith("roca_")
    assert len(token_digest(a)) == 64
    assert a not in token_digest(a)


def test_default_secret_refused_outside_dev() -> None:
    with pytest.raises(ConfigurationError, match="ROCA_SECRET_KEY"):
        Settings(env="production").require_safe_secret()
    Settings(env="dev").require_safe_secret()
    Settings(env="production", secret_key="x" * 40).require_safe_secret()
    assert Settings().secret_key == DEV_SECRET_KEY


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: object) -> None:
    settings = Settings(data_dir=tmp_path)  # type: ignore[arg-type]
    assert settings.resolved_database_url == f"sqlite:///{tmp_path}/roca.db"


def test_settings_come_from_roca_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROCA_MAX_BATCH_ITEMS", "7")
    monkeypatch.setenv("ROCA_DATABASE_URL", "postgresql+psycopg://u@h/db")
    settings = Settings()
    assert settings.max_batch_items == 7
    assert settings.resolved_database_url == "postgresql+psycopg://u@h/db"


def test_importing_the_app_connects_to_nothing() -> None:
    code = (
        "import os; os.environ['ROCA_DATABASE_URL']='postgresql+psycopg://nobody@127.0.0.1:1/none';"
        "import roca.api.app, roca.cli.main, roca.models; print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr
