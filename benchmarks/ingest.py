"""Intake throughput: ``roca ingest FILE`` and ``POST /api/v1/cases/batch``, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/ingest.py [--cases 20000] [--events 50] [--backends sqlite,postgresql]

Every measurement runs the real thing as a subprocess against a fresh database (a file in a temp
directory, or a throwaway PostgreSQL database that is dropped afterwards) and only talks to
127.0.0.1.  Figures are cases per wall-clock second.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import queue
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import httpx
import psycopg
from psycopg import sql
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import roca
from synthetic_cases import DatasetStats, write_jsonl

ROCA = [sys.executable, "-m", "roca.cli.main"]
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ADMIN_PASSWORD = "benchpass1"
TARGETS = {"roca ingest": 2000.0, "batch": 1000.0}  # cases/s the project states


@dataclass
class Figure:
    backend: str
    path: str
    cases: int
    seconds: float
    startup: float | None = None
    note: str = ""
    latencies: list[float] = field(default_factory=list)
    failed: bool = False

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else 0.0

    @property
    def target(self) -> float:
        return TARGETS["roca ingest"] if self.path == "roca ingest" else TARGETS["batch"]


class BenchError(RuntimeError):
    pass


# -- databases ---------------------------------------------------------------------------------


def _psycopg_dsn(url: str) -> str:
    """libpq connection string from a SQLAlchemy URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextlib.contextmanager
def fresh_database(backend: str, label: str, workdir: Path, pg_url: str) -> Iterator[str]:
    """A SQLAlchemy URL of an empty database that is gone again after the block."""
    if backend == "sqlite":
        path = workdir / f"{label}.db"
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"roca_bench_{os.getpid()}_{label}"
    with psycopg.connect(_psycopg_dsn(pg_url), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        base, _, _ = pg_url.rpartition("/")
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(_psycopg_dsn(pg_url), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def roca_env(url: str, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROCA_")}
    env.update(ROCA_ENV="dev", ROCA_DATABASE_URL=url, ROCA_DATA_DIR=str(workdir / "data"))
    return env


def run_roca(args: list[str], env: dict[str, str], timeout: float) -> tuple[float, str]:
    """Run one ``roca`` command; (wall seconds, stdout).  Raises on a non-zero exit."""
    started = time.perf_counter()
    done = subprocess.run(
        [*ROCA, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"roca {' '.join(args)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            counts = {
                table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in ("cases", "account_events", "account_identifiers", "audit_log")
            }
            links = connection.execute(text("SELECT coalesce(sum(event_count), 0) FROM cases")).scalar_one()
            return {**counts, "links": int(links)}
    finally:
        engine.dispose()


def check_counts(url: str, data: DatasetStats) -> str:
    counts = table_counts(url)
    if counts["cases"] != data.cases or counts["account_events"] != data.distinct_events:
        raise BenchError(
            f"stored {counts['cases']} cases / {counts['account_events']} events, "
            f"expected {data.cases} / {data.distinct_events}"
        )
    return (
        f"{counts['account_events']:,} events, {counts['links']:,} case-event links, "
        f"{counts['account_identifiers']:,} account identifiers stored"
    )


# -- roca ingest -------------------------------------------------------------------------------


def bench_cli(backend: str, cases_file: Path, data: DatasetStats, workdir: Path, opts: Options) -> Figure:
    empty = workdir / "empty.jsonl"
    empty.write_bytes(b"")
    with fresh_database(backend, "cli", workdir, opts.pg_url) as url:
        env = roca_env(url, workdir)
        run_roca(["db", "upgrade"], env, opts.timeout)
        # Start-up overhead: interpreter, imports, settings, engine, one connection; nothing stored.
        startup = statistics.median(run_roca(["ingest", str(empty)], env, opts.timeout)[0] for _ in range(3))
        print(f"  {backend}: roca ingest {data.cases:,} cases ...", flush=True)
        seconds, _ = run_roca(["ingest", str(cases_file)], env, opts.timeout)
        note = check_counts(url, data)
    return Figure(backend, "roca ingest", data.cases, seconds, startup=startup, note=note)


# -- POST /api/v1/cases/batch ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(env: dict[str, str], workdir: Path, label: str) -> Iterator[str]:
    port = free_port()
    log = (workdir / f"server-{label}.log").open("wb")
    server = subprocess.Popen(
        [*ROCA, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise BenchError(f"the server exited with {server.returncode}:\n{_tail(log.name)}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise BenchError("the server did not answer /healthz within 60 s")
            time.sleep(0.2)
        try:
            yield base
        except BenchError as exc:
            raise BenchError(f"{exc}\nserver log, last lines:\n{_tail(log.name)}") from exc
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _tail(path: str, lines: int = 40) -> str:
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def batch_bodies(cases_file: Path, batch_size: int) -> list[bytes]:
    lines = [line.rstrip(b"\n") for line in cases_file.open("rb") if line.strip()]
    return [b"[" + b",".join(lines[i : i + batch_size]) + b"]" for i in range(0, len(lines), batch_size)]


def post_batches(base: str, token: str, bodies: list[bytes], clients: int, timeout: float) -> list[float]:
    """Post every body once, ``clients`` at a time; the latency of each request."""
    work: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    for body in bodies:
        work.put(body)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=timeout) as http:
            while not failures:
                try:
                    body = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                try:
                    response = http.post("/api/v1/cases/batch", content=body)
                except httpx.HTTPError as exc:
                    with lock:
                        failures.append(f"{type(exc).__name__}: {exc}")
                    return
                elapsed = time.perf_counter() - started
                with lock:
                    if response.status_code != 200:
                        failures.append(f"HTTP {response.status_code}: {response.text[:500]}")
                    elif response.json()["summary"]["created"] != body.count(b'"external_id"'):
                        failures.append(f"unexpected summary {response.json()['summary']}")
                    else:
                        latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise BenchError(
            f"batch intake failed after {len(latencies)} of {len(bodies)} requests succeeded: {failures[0]}"
        )
    return latencies


def batch_label(clients: int) -> str:
    return f"batch, {clients} client" + ("s" if clients > 1 else "")


def bench_batch(
    backend: str, bodies: list[bytes], data: DatasetStats, clients: int, workdir: Path, opts: Options
) -> Figure:
    label = f"batch{clients}"
    with fresh_database(backend, label, workdir, opts.pg_url) as url:
        env = roca_env(url, workdir)
        run_roca(["init", "--admin-password", ADMIN_PASSWORD], env, opts.timeout)
        _, out = run_roca(["token", "create", "--user", "admin"], env, opts.timeout)
        token = out.strip().splitlines()[-1]
        with running_server(env, workdir, f"{backend}-{label}") as base:
            print(f"  {backend}: POST /cases/batch x {len(bodies)}, {clients} client(s) ...", flush=True)
            started = time.perf_counter()
            latencies = post_batches(base, token, bodies, clients, opts.timeout)
            seconds = time.perf_counter() - started
        note = check_counts(url, data)
    return Figure(backend, batch_label(clients), data.cases, seconds, note=note, latencies=latencies)


# -- report ------------------------------------------------------------------------------------


def machine_facts(backends: list[str], pg_url: str) -> list[tuple[str, str]]:
    facts = [
        ("platform", platform.platform()),
        ("processor", _cpu_model() or platform.machine()),
        ("os.cpu_count()", str(os.cpu_count())),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if "postgresql" in backends:
        with psycopg.connect(_psycopg_dsn(pg_url)) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        facts.append(("PostgreSQL", f"{row[0] if row else '?'} (same machine, 127.0.0.1)"))
    facts.append(("roca", roca.__version__))
    return facts


def _cpu_model() -> str | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return None


def print_report(
    figures: list[Figure], facts: list[tuple[str, str]], data: DatasetStats, opts: Options
) -> None:
    print()
    for name, value in facts:
        print(f"{name + ':':<16}{value}")
    print(
        f"{'data:':<16}{data.cases:,} ATO cases, {data.event_refs / data.cases:.1f} events/case "
        f"({data.event_refs:,} event references, {data.distinct_events:,} distinct), "
        f"{data.accounts_used:,} accounts, {data.bytes / data.cases / 1024:.1f} KiB/case, seed {opts.seed}"
    )
    print(f"{'date:':<16}{date.today().isoformat()}")
    print()
    header = ["backend", "path", "cases", "wall s", "cases/s", "target", "start-up s", "net cases/s"]
    header.append("p50 req s")
    rows = []
    for f in figures:
        net = f.cases / (f.seconds - f.startup) if f.startup is not None and f.seconds > f.startup else None
        rows.append(
            [
                f.backend,
                f.path,
                f"{f.cases:,}",
                "" if f.failed else f"{f.seconds:.1f}",
                "failed" if f.failed else f"{f.rate:,.0f}",
                f"{f.target:,.0f} " + ("ok" if f.rate >= f.target else "MISSED"),
                f"{f.startup:.2f}" if f.startup is not None else "",
                f"{net:,.0f}" if net is not None else "",
                f"{statistics.median(f.latencies):.2f}" if f.latencies else "",
            ]
        )
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    for cells in [header, ["-" * w for w in widths], *rows]:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |")
    print()
    for f in figures:
        print(f"{f.backend} / {f.path}: {f.note}")


# -- main --------------------------------------------------------------------------------------


@dataclass
class Options:
    cases: int
    events: int
    accounts: int
    backends: list[str]
    seed: int
    batch_size: int
    clients: int
    pg_url: str
    timeout: float
    skip: set[str]


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=20_000, help="synthetic cases (default 20000)")
    parser.add_argument("--events", type=int, default=50, help="about this many events per case (default 50)")
    parser.add_argument("--accounts", type=int, default=2_000, help="distinct accounts (default 2000)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=20261127, help="random seed of the synthetic data")
    parser.add_argument("--batch-size", type=int, default=1_000, help="cases per POST (default 1000)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients of the second batch run")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL server (SQLAlchemy URL)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per command or request")
    parser.add_argument("--skip", default="", help="comma-separated measurements to skip: cli,batch")
    ns = parser.parse_args(argv)
    backends = [b.strip() for b in ns.backends.split(",") if b.strip()]
    unknown = set(backends) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    pg = make_url(ns.pg_url)
    if pg.drivername != "postgresql+psycopg" or pg.host != "127.0.0.1":
        parser.error("--pg-url must be a postgresql+psycopg:// URL on 127.0.0.1")
    return Options(
        cases=ns.cases,
        events=ns.events,
        accounts=ns.accounts,
        backends=backends,
        seed=ns.seed,
        batch_size=ns.batch_size,
        clients=ns.clients,
        pg_url=ns.pg_url,
        timeout=ns.timeout,
        skip={s.strip() for s in ns.skip.split(",") if s.strip()},
    )


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="roca-bench-") as tmp:
        workdir = Path(tmp)
        cases_file = workdir / "cases.jsonl"
        started = time.perf_counter()
        data = write_jsonl(cases_file, opts.cases, opts.events, opts.accounts, opts.seed)
        print(
            f"generated {data.cases:,} cases ({data.bytes / 2**20:.0f} MiB) "
            f"in {time.perf_counter() - started:.1f} s: {cases_file}",
            flush=True,
        )
        bodies = batch_bodies(cases_file, opts.batch_size) if "batch" not in opts.skip else []
        runs: list[tuple[str, str, Callable[[], Figure]]] = []
        for backend in opts.backends:
            if "cli" not in opts.skip:
                runs.append(
                    (backend, "roca ingest", partial(bench_cli, backend, cases_file, data, workdir, opts))
                )
            if "batch" not in opts.skip:
                for clients in sorted({1, opts.clients}):
                    measure = partial(bench_batch, backend, bodies, data, clients, workdir, opts)
                    runs.append((backend, batch_label(clients), measure))
        figures: list[Figure] = []
        for backend, path, measure in runs:
            try:
                figures.append(measure())
            except (BenchError, subprocess.TimeoutExpired) as exc:
                print(f"  {backend} / {path} FAILED: {exc}", file=sys.stderr, flush=True)
                reason = str(exc).splitlines()[0]
                figures.append(Figure(backend, path, data.cases, 0.0, note=f"FAILED: {reason}", failed=True))
        print_report(figures, machine_facts(opts.backends, opts.pg_url), data, opts)
    return 1 if any(f.failed for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
