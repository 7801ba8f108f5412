"""SOP documents: versioned bilingual markdown whose numbered clauses the agent and guardrails cite.

One file per area under ``roca/sop/data``::

    ---
    sop_id: SOP-ATO
    version: 2026.11
    effective: 2026-11-01
    owner: Risk Operations, ATO desk
    ---
    # Account takeover review / 账户盗用审核

    ## ATO-3.1 Withdrawal lock after security changes / 安全设置变更后的提现锁定
    English text, one or more lines.
    中文：中文内容，一行或多行。
    signals: ato.security_change_to_withdrawal_min, ato.security_changes

Text between the document title and the first clause is a preamble for people and is not parsed.
A malformed file fails loudly with its name and line: a clause nobody can cite is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from roca.errors import ConfigurationError, NotFound

REQUIRED_KEYS = ("sop_id", "version", "effective", "owner")
CLAUSE_ID = re.compile(r"^(?P<prefix>[A-Z]{2,5})-\d+(?:\.\d+)+$")
SIGNAL_ID = re.compile(r"^[a-z]+\.[a-z0-9_]+$")
ZH_MARKERS = ("中文：", "中文:")
SIGNALS_MARKER = "signals:"
TITLE_SEPARATOR = " / "


class SopFormatError(ConfigurationError):
    """A SOP file that cannot be read; the message names the file and the line."""

    code = "sop_format_error"

    def __init__(self, source: str, line: int, problem: str) -> None:
        super().__init__(f"{source}:{line}: {problem}", source=source, line=line)


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    title_en: str
    title_zh: str
    text_en: str
    text_zh: str
    signals: tuple[str, ...]
    sop_id: str
    version: str

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en

    def text(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") else self.text_en


@dataclass(frozen=True, slots=True)
class SopDocument:
    sop_id: str
    version: str
    effective: date
    owner: str
    title_en: str
    title_zh: str
    clauses: tuple[Clause, ...]
    source: str  # the file it was read from, for error messages and audit
    extra: tuple[tuple[str, str], ...] = field(default=())  # front-matter keys beyond the required ones


# -- parsing ---------------------------------------------------------------------------------------


def _front_matter(lines: list[str], source: str) -> tuple[dict[str, str], int]:
    """The ``key: value`` lines between the opening and closing ``---``; returns them and the next index."""
    if not lines or lines[0].strip() != "---":
        raise SopFormatError(source, 1, "the file must open with a '---' front-matter block")
    meta: dict[str, str] = {}
    for index, raw in enumerate(lines[1:], start=1):
        line = raw.strip()
        if line == "---":
            _check_meta(meta, source, index + 1)
            return meta, index + 1
        if not line or line.startswith("#"):
            continue
        key, colon, value = line.partition(":")
        if not colon or not key.strip() or not value.strip():
            raise SopFormatError(source, index + 1, f"front matter needs 'key: value', got {line!r}")
        if key.strip() in meta:
            raise SopFormatError(source, index + 1, f"front-matter key {key.strip()!r} given twice")
        meta[key.strip()] = value.strip()
    raise SopFormatError(source, len(lines), "the front-matter block is never closed with '---'")


def _check_meta(meta: dict[str, str], source: str, line: int) -> None:
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise SopFormatError(source, line, f"front matter lacks {', '.join(missing)}")
    try:
        date.fromisoformat(meta["effective"])
    except ValueError:
        raise SopFormatError(
            source, line, f"effective must be a date (YYYY-MM-DD), got {meta['effective']!r}"
        ) from None


def _bilingual_title(text: str, source: str, line: int) -> tuple[str, str]:
    english, separator, chinese = text.partition(TITLE_SEPARATOR)
    if not separator or not english.strip() or not chinese.strip():
        raise SopFormatError(source, line, f"a title reads '<English> / <中文>', got {text!r}")
    return english.strip(), chinese.strip()


@dataclass
class _Draft:
    """A clause while its lines are being read."""

    id: str
    prefix: str
    title_en: str
    title_zh: str
    line: int
    english: list[str] = field(default_factory=list)
    chinese: list[str] | None = None
    signals: tuple[str, ...] | None = None

    def add(self, raw: str, source: str, line: int) -> None:
        text = raw.strip()
        if self.signals is not None:
            if text:
                raise SopFormatError(source, line, f"{self.id}: text after the 'signals:' line")
        elif text.startswith(SIGNALS_MARKER):
            if self.chinese is None:
                raise SopFormatError(source, line, f"{self.id}: 'signals:' comes before the '中文：' text")
            self.signals = _signal_ids(text.removeprefix(SIGNALS_MARKER), source, line)
        elif text.startswith(ZH_MARKERS):
            if self.chinese is not None:
                raise SopFormatError(source, line, f"{self.id}: a second '中文：' line")
            self.chinese = [text[len(ZH_MARKERS[0]) :]]
        else:
            (self.english if self.chinese is None else self.chinese).append(raw.rstrip())

    def finish(self, source: str, sop_id: str, version: str) -> Clause:
        text_en = _paragraphs(self.english)
        if not text_en:
            raise SopFormatError(source, self.line, f"{self.id} has no English text")
        if self.chinese is None or not _paragraphs(self.chinese):
            raise SopFormatError(source, self.line, f"{self.id} has no '中文：' text")
        if self.signals is None:
            raise SopFormatError(source, self.line, f"{self.id} has no 'signals:' line (it may be empty)")
        return Clause(
            self.id, self.title_en, self.title_zh, text_en, _paragraphs(self.chinese), self.signals,
            sop_id, version,
        )  # fmt: skip


def _paragraphs(lines: list[str]) -> str:
    return "\n".join(lines).strip()


def _signal_ids(text: str, source: str, line: int) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in text.split(",") if part.strip())
    for signal_id in ids:
        if not SIGNAL_ID.match(signal_id):
            raise SopFormatError(source, line, f"{signal_id!r} is not a signal id like 'ato.mfa_removed'")
    if len(set(ids)) != len(ids):
        raise SopFormatError(source, line, "a signal is listed twice")
    return ids


def _start_clause(text: str, source: str, line: int, prefix: str | None) -> _Draft:
    clause_id, _, title = text.removeprefix("## ").strip().partition(" ")
    match = CLAUSE_ID.match(clause_id)
    if match is None:
        raise SopFormatError(source, line, f"clause heading needs an id like 'ATO-2.3', got {clause_id!r}")
    if prefix is not None and match["prefix"] != prefix:
        raise SopFormatError(source, line, f"{clause_id}: every clause of this file starts with {prefix}-")
    title_en, title_zh = _bilingual_title(title, source, line)
    return _Draft(clause_id, match["prefix"], title_en, title_zh, line)


def parse_document(text: str, source: str) -> SopDocument:
    """One SOP file's text; ``source`` names it in errors."""
    lines = text.splitlines()
    meta, start = _front_matter(lines, source)
    title: tuple[str, str] | None = None
    drafts: list[_Draft] = []
    for number, raw in enumerate(lines[start:], start=start + 1):
        if raw.startswith("## "):
            if title is None:
                raise SopFormatError(source, number, "the '# <English> / <中文>' title must come first")
            drafts.append(_start_clause(raw, source, number, drafts[0].prefix if drafts else None))
        elif raw.startswith("# "):
            if title is not None:
                raise SopFormatError(source, number, "a second document title")
            title = _bilingual_title(raw.removeprefix("# ").strip(), source, number)
        elif raw.startswith("#"):
            raise SopFormatError(source, number, "only '# title' and '## <clause>' headings are allowed")
        elif drafts:
            drafts[-1].add(raw, source, number)
    if title is None or not drafts:
        raise SopFormatError(source, len(lines), "a SOP needs a '# title' and at least one '## clause'")
    return _document(meta, title, drafts, source)


def _document(meta: dict[str, str], title: tuple[str, str], drafts: list[_Draft], source: str) -> SopDocument:
    clauses = tuple(draft.finish(source, meta["sop_id"], meta["version"]) for draft in drafts)
    seen: dict[str, int] = {}
    for draft in drafts:
        if draft.id in seen:
            raise SopFormatError(source, draft.line, f"{draft.id} already used on line {seen[draft.id]}")
        seen[draft.id] = draft.line
    extra = tuple((k, v) for k, v in meta.items() if k not in REQUIRED_KEYS)
    return SopDocument(
        meta["sop_id"], meta["version"], date.fromisoformat(meta["effective"]), meta["owner"],
        title[0], title[1], clauses, source, extra,
    )  # fmt: skip


# -- loading and lookups ---------------------------------------------------------------------------


def _sources(folder: str | None) -> list[tuple[str, str]]:
    """(file name, text) of every ``*.md`` in the folder, or in the packaged SOPs, by name."""
    if folder is None:
        data = resources.files("roca.sop").joinpath("data")
        files = [(entry.name, entry.read_text(encoding="utf-8")) for entry in data.iterdir()]
        return sorted((name, text) for name, text in files if name.endswith(".md"))
    return [(path.name, path.read_text(encoding="utf-8")) for path in sorted(Path(folder).glob("*.md"))]


@cache
def _load(folder: str | None) -> tuple[SopDocument, ...]:
    documents = tuple(parse_document(text, name) for name, text in _sources(folder))
    _check_unique(documents)
    return documents


def _check_unique(documents: Iterable[SopDocument]) -> None:
    sop_ids: dict[str, str] = {}
    clause_ids: dict[str, str] = {}
    for document in documents:
        if document.sop_id in sop_ids:
            raise SopFormatError(
                document.source, 1, f"sop_id {document.sop_id} also in {sop_ids[document.sop_id]}"
            )
        sop_ids[document.sop_id] = document.source
        for item in document.clauses:
            if item.id in clause_ids:
                raise SopFormatError(document.source, 1, f"clause {item.id} also in {clause_ids[item.id]}")
            clause_ids[item.id] = document.source


def _key(folder: str | Path | None) -> str | None:
    return None if folder is None else str(Path(folder).resolve())


def load_documents(folder: str | Path | None = None) -> list[SopDocument]:
    """Every SOP in ``folder`` (default: the packaged starter SOPs), read once and cached."""
    return list(_load(_key(folder)))


@cache
def _index(folder: str | None) -> Mapping[str, Clause]:
    return {item.id: item for document in _load(folder) for item in document.clauses}


def clause_index(folder: str | Path | None = None) -> Mapping[str, Clause]:
    """Every clause by id."""
    return _index(_key(folder))


def clause(clause_id: str, folder: str | Path | None = None) -> Clause:
    try:
        return clause_index(folder)[clause_id]
    except KeyError:
        raise NotFound(f"no SOP clause {clause_id!r}", clause_id=clause_id) from None


def clauses_for_signal(signal_id: str, folder: str | Path | None = None) -> list[str]:
    """The ids of the clauses that govern a signal, in document order."""
    return [item.id for item in clause_index(folder).values() if signal_id in item.signals]


def unknown_signals(documents: Iterable[SopDocument], known: Collection[str]) -> list[tuple[str, str]]:
    """(clause id, signal id) for every listed signal that is not in ``known`` (the signal catalog)."""
    return [
        (item.id, signal_id)
        for document in documents
        for item in document.clauses
        for signal_id in item.signals
        if signal_id not in known
    ]
