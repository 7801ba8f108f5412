"""Reading case files for bulk intake: .json (one case or an array), .jsonl/.ndjson, optionally
gzipped.  Streams line files; every record carries the line it starts on, so errors can say where."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from roca.cases.validation import decode_json
from roca.errors import FieldError

LINE_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = "'.json', '.jsonl' or '.ndjson', optionally followed by '.gz'"


@dataclass(frozen=True, slots=True)
class Record:
    """One case-sized piece of a file: undecoded ``data`` (line files, decoded later, possibly in
    a worker process), an already decoded ``value`` (.json files), or the ``error`` reading it."""

    line: int
    value: Any = None
    error: FieldError | None = None
    data: bytes | None = None

    def decoded(self) -> Any:
        return decode_json(self.data) if self.data is not None else self.value


class CaseFile:
    """One input file; ``position()`` reports bytes consumed of the file on disk (for progress)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        name = path.name.lower()
        self.gzipped = name.endswith(".gz")
        base = name[:-3] if self.gzipped else name
        suffix = Path(base).suffix
        if suffix not in LINE_SUFFIXES | {".json"}:
            raise ValueError(f"{path}: unsupported file type; expected {SUPPORTED}")
        self.line_oriented = suffix in LINE_SUFFIXES
        self._raw: IO[bytes] | None = None

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def position(self) -> int:
        return self._raw.tell() if self._raw is not None and not self._raw.closed else self.size

    def records(self) -> Iterator[Record]:
        with self.path.open("rb") as raw:
            self._raw = raw
            stream: IO[bytes] = gzip.GzipFile(fileobj=raw) if self.gzipped else raw  # type: ignore[assignment]
            if self.line_oriented:
                yield from _line_records(stream)
            else:
                yield from _document_records(stream.read())


def _line_records(stream: IO[bytes]) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        content = line.strip()
        if content:
            yield Record(number, data=content)


def _document_records(data: bytes) -> Iterator[Record]:
    """One object, or an array whose elements are located by line for error messages."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Record(1, error=FieldError("", f"not UTF-8 text: {exc}"))
        return
    start = _skip_space(text, 0)
    if start < len(text) and text[start] == "[":
        yield from _array_elements(text, start + 1)
        return
    try:
        yield Record(_line_of(text, start), value=decode_json(data))
    except ValueError as exc:
        yield Record(_line_of(text, start), error=FieldError("", str(exc)))


def _array_elements(text: str, pos: int) -> Iterator[Record]:
    decoder = json.JSONDecoder()
    while True:
        pos = _skip_space(text, pos)
        if pos >= len(text) or text[pos] == "]":
            return
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            # The rest of the array cannot be located once one element is unreadable.
            yield Record(exc.lineno, error=FieldError("", f"malformed JSON: {exc.msg}"))
            return
        yield Record(_line_of(text, pos), value=value)
        pos = _skip_space(text, end)
        if pos < len(text) and text[pos] == ",":
            pos += 1


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1
