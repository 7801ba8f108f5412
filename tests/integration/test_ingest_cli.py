"""`roca ingest` end to end, as a person runs it."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from roca.config import Settings
from roca.models import Case
from tests.conftest import cli_env
from tests.factories import ato_case


def _ingest(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roca.cli.main", "ingest", *args],
        capture_output=True,
        text=True,
        env=cli_env(settings),
        timeout=300,
    )


def _cases(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(Case)) or 0)


def _write_with_three_bad_lines(path: Path, total: int = 1000) -> None:
    lines = []
    for i in range(total):
        case = ato_case(f"bulk-{i:05d}", account_id=f"acct-{i % 50}", events=4)
        if i == 99:
            case["events"][1]["ts"] = "not-a-time"
        lines.append(orjson.dumps(case))
    lines[499] = b'{"external_id": "half a line'
    lines[899] = orjson.dumps({**ato_case("bulk-00899"), "case_type": "phishing"})
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_bad_lines_are_named_and_the_rest_stored(
    tmp_path: Path, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    path = tmp_path / "day.jsonl"
    _write_with_three_bad_lines(path)
    first = _ingest(settings, str(path))
    assert first.returncode == 1
    problems = [line for line in first.stderr.splitlines() if line.startswith(str(path))]
    assert problems == [
        f"{path}:100: events.1.ts: input should be a valid datetime or date, invalid character in year",
        f"{path}:500: malformed JSON: unexpected end of data: line 1 column 29 (char 28)",
        f"{path}:900: case_type: input should be 'ato', 'kyc', 'kyb' or 'fraud'",
    ]
    assert re.search(r"1000\s+.\s+997\s+.\s+0\s+.\s+0\s+.\s+3", first.stdout), first.stdout
    assert _cases(session_factory) == 997

    second = _ingest(settings, str(path))
    assert second.returncode == 1
    assert re.search(r"1000\s+.\s+0\s+.\s+997\s+.\s+0\s+.\s+3", second.stdout), second.stdout
    assert _cases(session_factory) == 997


def test_strict_stores_nothing_when_a_line_is_bad(
    tmp_path: Path, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    path = tmp_path / "day.jsonl"
    _write_with_three_bad_lines(path, total=1000)
    done = _ingest(settings, "--strict", str(path))
    assert done.returncode == 1
    assert "nothing was stored" in done.stdout
    assert _cases(session_factory) == 0


def test_gzipped_and_json_array_files(
    tmp_path: Path, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    gz = tmp_path / "a.jsonl.gz"
    with gzip.open(gz, "wb") as handle:
        handle.write(b"\n".join(orjson.dumps(ato_case(f"gz-{i}")) for i in range(20)))
    array = tmp_path / "b.json"
    array.write_bytes(orjson.dumps([ato_case(f"arr-{i}") for i in range(5)], option=orjson.OPT_INDENT_2))
    done = _ingest(settings, str(gz), str(array))
    assert done.returncode == 0, done.stderr
    assert _cases(session_factory) == 25


def test_missing_file_is_a_usage_error(tmp_path: Path, settings: Settings) -> None:
    done = _ingest(settings, str(tmp_path / "nope.jsonl"))
    assert done.returncode == 2
    assert "no such file" in done.stderr
