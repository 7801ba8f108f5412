"""Locales, gettext catalogs and the Jinja2 environments that render with them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

WEB_DIR = Path(__file__).resolve().parent
LOCALE_DIR = WEB_DIR / "locale"
TEMPLATE_DIR = WEB_DIR / "templates"
DOMAIN = "messages"

# A user's stored language ("en" | "zh", as in UserCreate) -> the catalog that serves it.
LOCALES: dict[str, str] = {"en": "en", "zh": "zh_CN"}
DEFAULT_LANGUAGE = "en"


def locale_for(language: str | None) -> str:
    return LOCALES.get(language or DEFAULT_LANGUAGE, LOCALES[DEFAULT_LANGUAGE])


@cache
def translations(locale: str) -> Translations:
    loaded = Translations.load(str(LOCALE_DIR), [locale], domain=DOMAIN)
    # load() quietly falls back to no translation at all; a missing catalog is a packaging bug.
    if not isinstance(loaded, Translations):
        raise RuntimeError(f"no compiled {DOMAIN}.mo for {locale} under {LOCALE_DIR}")
    return loaded


@cache
def environment(locale: str) -> Environment:
    """One environment per locale: installing translations mutates the environment's globals, so
    sharing one between concurrent requests in different languages would mix them up."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    babel_locale = Locale.parse(locale)

    # Dates, numbers and money follow the page's locale, never the server's.
    def fmt_datetime(value: datetime, fmt: str = "medium") -> str:
        return format_datetime(value, fmt, tzinfo=value.tzinfo, locale=babel_locale)

    def fmt_decimal(value: float | int | Decimal) -> str:
        return format_decimal(value, locale=babel_locale)

    def fmt_currency(value: float | int | Decimal, currency: str = "USD") -> str:
        return format_currency(value, currency, locale=babel_locale)

    env.globals.update(
        format_datetime=fmt_datetime,
        format_decimal=fmt_decimal,
        format_currency=fmt_currency,
        html_lang=locale.replace("_", "-"),
    )
    return env
