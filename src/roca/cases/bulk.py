"""Bulk intake from files: a job that commits every chunk, so a crash loses at most the chunk in
flight and a re-run stores exactly what is missing (intake is idempotent on external_id)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from roca.cases import service
from roca.cases.files import CaseFile
from roca.cases.schemas import IntakeResult
from roca.cases.validation import parse_case
from roca.errors import FieldError
from roca.storage import session_scope


@dataclass(frozen=True, slots=True)
class LineProblem:
    path: Path
    line: int
    error: FieldError

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return (
            f"{where}: {self.error.path}: {self.error.reason}"
            if self.error.path
            else f"{where}: {self.error.reason}"
        )


@dataclass
class IngestTally:
    lines: int = 0
    created: int = 0
    duplicate: int = 0
    conflict: int = 0
    invalid: int = 0
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.invalid + self.conflict


class _Abort(Exception):
    """Raised inside the strict transaction to roll it back."""


ProblemHook = Callable[[LineProblem], None]
ProgressHook = Callable[[CaseFile], None]


class BulkIngest:
    def __init__(
        self,
        factory: sessionmaker[Session],
        actor: str,
        chunk_size: int = 500,
        on_problem: ProblemHook | None = None,
        on_progress: ProgressHook | None = None,
    ) -> None:
        self.factory = factory
        self.actor = actor
        self.chunk_size = chunk_size
        self.on_problem = on_problem or (lambda _p: None)
        self.on_progress = on_progress or (lambda _f: None)

    def run(self, files: Iterable[CaseFile], strict: bool = False) -> IngestTally:
        tally = IngestTally()
        if not strict:
            for case_file in files:
                for chunk in self._chunks(case_file, tally):
                    with session_scope(self.factory) as session:
                        self._store(session, case_file, chunk, tally)
            return tally
        try:
            with session_scope(self.factory) as session:
                for case_file in files:
                    for chunk in self._chunks(case_file, tally):
                        self._store(session, case_file, chunk, tally)
                if tally.failed:
                    raise _Abort
        except _Abort:
            tally.created = 0
        return tally

    def _chunks(
        self, case_file: CaseFile, tally: IngestTally
    ) -> Iterable[list[tuple[int, service.Submission]]]:
        chunk: list[tuple[int, service.Submission]] = []
        for record in case_file.records():
            tally.lines += 1
            parsed = [record.error] if record.error else parse_case(record.value)
            chunk.append((record.line, parsed))
            if len(chunk) >= self.chunk_size:
                yield chunk
                chunk = []
                self.on_progress(case_file)
        if chunk:
            yield chunk
        self.on_progress(case_file)

    def _store(
        self,
        session: Session,
        case_file: CaseFile,
        chunk: list[tuple[int, service.Submission]],
        tally: IngestTally,
    ) -> None:
        results = service.ingest(session, [submission for _, submission in chunk], self.actor)
        for (line, _), result in zip(chunk, results, strict=True):
            self._count(case_file.path, line, result, tally)

    def _count(self, path: Path, line: int, result: IntakeResult, tally: IngestTally) -> None:
        setattr(tally, result.outcome, getattr(tally, result.outcome) + 1)
        errors = [FieldError(e.field, e.reason) for e in result.errors]
        if result.outcome == "conflict":
            errors = [
                FieldError(
                    "external_id",
                    f"{result.external_id!r} is already stored with different content "
                    f"(stored {result.existing_content_hash}, this line {result.content_hash})",
                )
            ]
        for error in errors:
            problem = LineProblem(path, line, error)
            tally.problems.append(problem)
            self.on_problem(problem)
