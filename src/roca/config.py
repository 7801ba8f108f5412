"""Settings from ``ROCA_*`` environment variables.  Nothing here connects to anything."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from roca.errors import ConfigurationError

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 (refused outside dev)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROCA_", extra="ignore")

    env: Literal["dev", "test", "production"] = "production"
    data_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is a SQLite file in the data directory"
    )
    secret_key: str = DEV_SECRET_KEY
    max_request_bytes: int = Field(default=32 * 1024 * 1024, gt=0)
    max_batch_items: int = Field(default=1000, gt=0)
    db_pool_size: int = Field(default=10, gt=0)
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    token_ttl_days: int = Field(default=365, gt=0)
    embedded_scoring: bool = Field(
        default=True, description="score arriving cases in a thread of `roca serve` (off when workers do it)"
    )
    scoring_interval_seconds: float = Field(default=1.0, gt=0)
    policy_auto_approve: bool = Field(
        default=False,
        description="approve new policy versions without a second person (simulations, small teams)",
    )
    automation_alpha: float = Field(
        default=0.01, gt=0, lt=0.5, description="target error among auto-decisions"
    )
    automation_delta: float = Field(default=0.05, gt=0, lt=0.5, description="1 - confidence of the guarantee")
    automation_min_labelled: int = Field(default=100, ge=1)
    qa_rate: float = Field(default=0.03, gt=0, le=1, description="share of automatic decisions audited blind")
    automation_segments: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description='per-segment alpha/delta, e.g. ROCA_AUTOMATION_SEGMENTS=\'{"kyb": {"alpha": 0.005}}\'',
    )
    review_sla_hours: dict[str, float] = Field(
        default_factory=dict, description='hours to a decision per case type, e.g. {"ato": 1, "kyb": 48}'
    )
    # -- learning from reviewers' labels (roca.learning; docs/learning.md) -----------------------------
    learning_auto_promote: bool = Field(
        default=False, description="promote a challenger that beats the champion without a person asking"
    )
    learning_eval_share: float = Field(
        default=0.2, gt=0, lt=1, description="newest share of the labels held out to compare the models"
    )
    learning_min_eval_rows: int = Field(default=100, ge=1, description="the held-out window's minimum size")
    learning_min_train_rows: int = Field(default=200, ge=10, description="fewer older labels: no retraining")
    learning_max_labels: int | None = Field(
        default=None, ge=1, description="train and evaluate on the newest labels only (None: all of them)"
    )
    learning_include_noisy: bool = Field(
        default=False, description="keep cases whose human decisions disagree (noisy labels) in training"
    )
    learning_promotion_margin: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="certified coverage a challenger must gain over a learned champion to replace it "
        "(a champion keeps certifying on its growing pool of out-of-sample labels; a new one restarts it)",
    )
    learning_auc_margin: float = Field(default=0.01, ge=0, description="how much worse an AUC may be")
    learning_ece_margin: float = Field(default=0.01, ge=0, description="how much worse an ECE may be")
    session_cookie_secure: bool = Field(default=False, description="mark the console cookie Secure (TLS)")
    route_chinese_to_readers: bool = Field(
        default=False, description="Chinese-language cases go only to reviewers whose language is zh"
    )
    watchlist_path: Path | None = Field(default=None, description="an OpenSanctions targets.simple.csv")

    # -- optional LLM narrator: off unless llm_base_url is set (an OpenAI-compatible endpoint) --------
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(default=8.0, gt=0)

    # -- action outbox: decisions leave through a signed webhook or NATS JetStream (both optional) -----
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    outbox_max_attempts: int = 8
    outbox_backoff_seconds: float = 1.0
    nats_url: str | None = None

    @property
    def dev_mode(self) -> bool:
        return self.env in ("dev", "test")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'roca.db').resolve()}"

    def require_safe_secret(self) -> None:
        """Refuse to serve with the shipped secret key unless this is a dev or test deployment."""
        if not self.dev_mode and self.secret_key == DEV_SECRET_KEY:
            raise ConfigurationError(
                "ROCA_SECRET_KEY is still the shipped default; set a long random value "
                "(or ROCA_ENV=dev for a local trial)"
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
