"""`roca signals` on every contract example, in both languages, and the catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roca.cli.main import app
from roca.signals import catalog
from tests.conftest import SHARED

EXAMPLES = sorted((SHARED / "contract" / "examples").glob("*.json"))
runner = CliRunner()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_signals_of_each_example_in_both_languages(path: Path) -> None:
    done = runner.invoke(app, ["signals", str(path), "--format", "json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)
    assert rows, f"no signal fired for {path.name}"
    assert all(row["fired"] and row["text"]["en"] and row["text"]["zh"] for row in rows)
    table = runner.invoke(app, ["signals", str(path), "--lang", "zh"])
    assert table.exit_code == 0
    assert f"{len(rows)} of" in table.stdout


def test_catalog_lists_every_signal_with_both_languages() -> None:
    done = runner.invoke(app, ["signals", "--catalog", "--format", "json"])
    rows = json.loads(done.stdout)
    assert len(rows) == len(catalog.specs())
    counts = {t: sum(r["case_type"] == t for r in rows) for t in ("ato", "kyc", "kyb", "fraud")}
    assert counts["ato"] >= 30 and counts["kyc"] >= 12 and counts["kyb"] >= 10 and counts["fraud"] >= 8
    for row in rows:
        assert row["name"]["en"] and row["name"]["zh"] and row["text"]["en"] and row["text"]["zh"], row["id"]
    only_kyb = json.loads(
        runner.invoke(app, ["signals", "--catalog", "--case-type", "kyb", "--format", "json"]).stdout
    )
    assert {r["case_type"] for r in only_kyb} == {"kyb"}


def test_a_broken_case_file_names_the_field(tmp_path: Path) -> None:
    broken = json.loads(EXAMPLES[0].read_text()) | {"case_type": "phishing"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    done = runner.invoke(app, ["signals", str(path)])
    assert done.exit_code == 1
    assert "case_type" in done.output
