"""Bulk intake from files: a job that commits every chunk, so a crash loses at most the chunk in
flight and a re-run stores exactly what is missing (intake is idempotent on external_id).

Decoding, validating and hashing run in a worker process while this process writes the previous
chunk: the two halves take about the same time, and a machine has at least two cores.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from roca.cases import service
from roca.cases.files import CaseFile
from roca.cases.prepare import Submission, prepare_lines
from roca.cases.schemas import IntakeResult
from roca.errors import FieldError
from roca.storage import session_scope

RawLine = tuple[int, bytes | None, Any, FieldError | None]
Prepared = list[tuple[int, Submission]]


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


class _InProcess(Executor):
    """The same interface without a worker, for small inputs and tests."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


ProblemHook = Callable[[LineProblem], None]
ProgressHook = Callable[[CaseFile], None]


class BulkIngest:
    def __init__(
        self,
        factory: sessionmaker[Session],
        actor: str,
        chunk_size: int = 1000,
        on_problem: ProblemHook | None = None,
        on_progress: ProgressHook | None = None,
        worker: bool = True,
    ) -> None:
        self.factory = factory
        self.actor = actor
        self.chunk_size = chunk_size
        self.on_problem = on_problem or (lambda _p: None)
        self.on_progress = on_progress or (lambda _f: None)
        self.worker = worker

    def run(self, files: Iterable[CaseFile], strict: bool = False) -> IngestTally:
        files = list(files)
        tally = IngestTally()
        with self._executor(files) as executor:
            prepared = self._prepared(executor, files, tally)
            if not strict:
                for case_file, chunk in prepared:
                    with session_scope(self.factory) as session:
                        self._store(session, case_file, chunk, tally)
                return tally
            try:
                with session_scope(self.factory) as session:
                    for case_file, chunk in prepared:
                        self._store(session, case_file, chunk, tally)
                    if tally.failed:
                        raise _Abort
            except _Abort:
                tally.created = 0
        return tally

    def _executor(self, files: list[CaseFile]) -> Executor:
        if not self.worker or sum(f.size for f in files) < 4 * 1024 * 1024:
            return _InProcess()
        # forkserver: a clean child, whatever threads (progress bars) or connections this one has.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["roca.cases.prepare"])
        return ProcessPoolExecutor(max_workers=1, mp_context=context)

    def _prepared(
        self, executor: Executor, files: list[CaseFile], tally: IngestTally
    ) -> Iterator[tuple[CaseFile, Prepared]]:
        """Prepared chunks in file order, with the next chunk being prepared while one is stored."""
        in_flight: deque[tuple[CaseFile, Future[Prepared]]] = deque()
        for case_file in files:
            for chunk in self._raw_chunks(case_file, tally):
                in_flight.append((case_file, executor.submit(prepare_lines, chunk)))
                if len(in_flight) > 1:
                    done_file, future = in_flight.popleft()
                    yield done_file, future.result()
                    self.on_progress(done_file)
        while in_flight:
            done_file, future = in_flight.popleft()
            yield done_file, future.result()
            self.on_progress(done_file)

    def _raw_chunks(self, case_file: CaseFile, tally: IngestTally) -> Iterator[list[RawLine]]:
        chunk: list[RawLine] = []
        for record in case_file.records():
            tally.lines += 1
            chunk.append((record.line, record.data, record.value, record.error))
            if len(chunk) >= self.chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _store(self, session: Session, case_file: CaseFile, chunk: Prepared, tally: IngestTally) -> None:
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
