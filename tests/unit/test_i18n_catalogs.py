"""Every console string is in the Chinese catalog, translated, and the compiled catalogs are current."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "src" / "roca" / "web"
LOCALE_DIR = WEB / "locale"
LOCALES = ("en", "zh_CN")


def _within_web(dirpath: str) -> bool:
    # Extraction starts at the repository root (babel.cfg's patterns are root-relative) but only
    # the console's tree can hold its messages: skip the rest instead of walking it.
    relative = Path(dirpath).resolve().relative_to(ROOT).as_posix()
    return relative in ("src", "src/roca") or relative.startswith("src/roca/web")


def _used_msgids() -> set[str]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, directory_filter=_within_web
    ):
        found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    return found


def _catalog(locale: str) -> dict[str, str]:
    with open(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return {str(m.id): str(m.string or "") for m in read_po(po) if m.id and not m.fuzzy}


def test_extraction_finds_the_console_strings() -> None:
    used = _used_msgids()
    assert {"My queue", "Sign in", "Wrong username or password."} <= used


def test_every_msgid_is_translated_to_chinese() -> None:
    used = _used_msgids()
    zh = _catalog("zh_CN")
    missing = sorted(used - zh.keys())
    untranslated = sorted(m for m in used & zh.keys() if not zh[m].strip())
    assert not missing, f"not in the zh_CN catalog (run pybabel extract/update): {missing}"
    assert not untranslated, f"empty msgstr in the zh_CN catalog: {untranslated}"


def test_english_catalog_knows_every_msgid() -> None:
    missing = sorted(_used_msgids() - _catalog("en").keys())
    assert not missing, f"not in the en catalog: {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_matches_its_source(locale: str) -> None:
    with open(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        compiled = {str(m.id): str(m.string) for m in read_mo(mo) if m.id}
    # pybabel compile leaves untranslated messages out; gettext then falls back to the msgid.
    source = {k: v for k, v in _catalog(locale).items() if v}
    assert compiled == source, "stale .mo: run `.venv/bin/pybabel compile -d src/roca/web/locale -D messages`"
