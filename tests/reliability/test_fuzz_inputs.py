"""Hostile and broken input: mutated templates and signed packages, and the saved corpus.

Hypothesis mutates a valid school template and a valid signed package (raw bytes, zip
entries, XML of the parts, cell values; see rel_fuzz.py). Every case must end in a clean
refusal (a VetDeskError, an ImportPlan with issues, a verdict other than valid) or a
correct import or verification (a package that verifies carries exactly the signed
data; a template that plans cleanly imports into a fresh copy), within 10 s and a
300 MB Python memory peak. The corpus in tests/fixtures/fuzz-corpus/ (boundary files and
every crash found) is replayed on every run with its expected outcome. Bomb files are
covered by tests/workbook/test_filesafety.py (size, entry count, ratio, billion laughs).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from rel_fuzz import (
    CASE_BYTES,
    CASE_SECONDS,
    CaseBounds,
    Mutation,
    family,
    judge_package,
    judge_template,
    mutate,
    mutations_strategy,
    run_case,
)
from rel_helpers import FULL_RUN, YEAR, copy_db, record_stat
from rel_world import World

from vetdesk.db.database import Database, open_database
from vetdesk.packages.envelope import content_digests
from vetdesk.signing.trust import add_trusted_key, read_key_file
from vetdesk.standards.installed import create_database
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.schema import EXPORT_SHEETS
from vetdesk.workbook.template import write_template

pytestmark = pytest.mark.skipif(
    os.name != "posix", reason="the per-case time bound uses SIGALRM (POSIX)"
)

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "fuzz-corpus"
EXAMPLES = 400 if FULL_RUN else 15
TRACE_EVERY = 8 if FULL_RUN else 5  # tracemalloc makes a case about five times slower


@dataclass
class Tally:
    """What the fuzz cases of one kind ended in."""

    outcomes: Counter[str] = field(default_factory=Counter)
    families: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0
    rss_growth: int = 0
    traced_peak: int = 0
    traced: int = 0

    @property
    def cases(self) -> int:
        """Cases run so far."""
        return sum(self.outcomes.values())

    def add(self, label: str, ops: list[Mutation], usage: CaseBounds) -> None:
        """Count one case."""
        self.outcomes[label] += 1
        for op in ops:
            self.families[family(op)] += 1
        self.slowest = max(self.slowest, usage.seconds)
        self.rss_growth = max(self.rss_growth, usage.rss_growth)
        if usage.traced_peak is not None:
            self.traced += 1
            self.traced_peak = max(self.traced_peak, usage.traced_peak)


@dataclass
class FuzzSetup:
    """The seeds and the databases the fuzz cases run against."""

    folder: Path
    county: Database
    county_base: Path
    template: bytes
    city: Database
    city_base: Path
    package: bytes
    reference: dict[str, Any]
    counter: list[int] = field(default_factory=lambda: [0])

    def fresh(self, base: Path) -> Database:
        """An open private copy of a database."""
        self.counter[0] += 1
        return open_database(copy_db(base, self.folder / f"copy-{self.counter[0]}.db"))


@pytest.fixture(scope="module")
def fuzz(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzSetup]:
    folder = tmp_path_factory.mktemp("fuzz")
    county_base = copy_db(world.county, folder / "county.db")
    city_base = copy_db(world.city, folder / "city.db")
    county = open_database(county_base)
    template = folder / "模板.xlsx"
    write_template(county, YEAR, template)
    city = open_database(city_base)
    content = read_workbook(world.package)
    setup = FuzzSetup(
        folder,
        county,
        county_base,
        template.read_bytes(),
        city,
        city_base,
        world.package.read_bytes(),
        content_digests(content, EXPORT_SHEETS),
    )
    yield setup
    county.close()
    city.close()


_tallies: dict[str, Tally] = {"template": Tally(), "package": Tally()}


def _check_bounds(usage: CaseBounds, label: str, ops: list[Mutation]) -> None:
    assert label != "timeout", f"cut off after {CASE_SECONDS} s: {ops!r}"
    assert usage.seconds < CASE_SECONDS, f"{label} took {usage.seconds:.1f} s: {ops!r}"
    assert usage.rss_growth < CASE_BYTES, (
        f"{label}: memory grew {usage.rss_growth >> 20} MB: {ops!r}"
    )
    if usage.traced_peak is not None:
        assert usage.traced_peak < CASE_BYTES, (
            f"{label}: traced peak {usage.traced_peak >> 20} MB: {ops!r}"
        )


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # keep the repository free of .hypothesis/ files
    derandomize=not FULL_RUN,  # the default run is the same every time; the full run explores
    suppress_health_check=list(HealthCheck),
)


@FUZZ_SETTINGS
@given(ops=mutations_strategy())
def test_mutated_template_is_refused_cleanly_or_imported(
    fuzz: FuzzSetup, ops: list[Mutation]
) -> None:
    path = fuzz.folder / "变异模板.xlsx"
    path.write_bytes(mutate(fuzz.template, ops))
    tally = _tallies["template"]
    label, usage = run_case(
        lambda: judge_template(fuzz.county, path, lambda: fuzz.fresh(fuzz.county_base)),
        trace=tally.cases % TRACE_EVERY == 0,
    )
    _check_bounds(usage, label, ops)
    tally.add(label, ops, usage)


@FUZZ_SETTINGS
@given(ops=mutations_strategy())
def test_mutated_package_is_refused_cleanly_or_verified(
    fuzz: FuzzSetup, ops: list[Mutation]
) -> None:
    path = fuzz.folder / "变异上报包.xlsx"
    path.write_bytes(mutate(fuzz.package, ops))
    tally = _tallies["package"]
    merge = tally.outcomes["merged"] < (20 if FULL_RUN else 1)
    merge_into = (lambda: fuzz.fresh(fuzz.city_base)) if merge else None
    label, usage = run_case(
        lambda: judge_package(fuzz.city, path, fuzz.reference, merge_into),
        trace=tally.cases % TRACE_EVERY == 0,
    )
    _check_bounds(usage, label, ops)
    tally.add(label, ops, usage)


def test_fuzz_figures() -> None:
    """Report what the fuzz cases ended in (runs after them, in file order)."""
    for kind, tally in _tallies.items():
        record_stat(
            "fuzz",
            kind=kind,
            cases=tally.cases,
            outcomes=dict(tally.outcomes),
            mutations=dict(tally.families),
            slowest_seconds=round(tally.slowest, 2),
            rss_growth_mb=round(tally.rss_growth / 2**20, 1),
            traced_cases=tally.traced,
            traced_peak_mb=round(tally.traced_peak / 2**20, 1),
            crashes=0,
        )


# --------------------------------------------------------------------------- the corpus


def _corpus() -> tuple[str, list[dict[str, Any]]]:
    manifest = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
    return str(manifest["trusted_key"]), list(manifest["cases"])


_KEY, _CASES = _corpus() if (CORPUS / "cases.json").exists() else ("", [])


@pytest.fixture(scope="module")
def corpus_city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A new city database trusting the key that signed the corpus packages."""
    path = tmp_path_factory.mktemp("corpus") / "city.db"
    city = create_database(path, role="city", unit_code="630200", operator="语料")
    add_trusted_key(city, "630223", read_key_file(_KEY))
    yield city
    city.close()


@pytest.fixture(scope="module")
def corpus_county(
    demo_county_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    county = open_database(
        copy_db(demo_county_template, tmp_path_factory.mktemp("corpus") / "county.db")
    )
    yield county
    county.close()


def test_corpus_is_there() -> None:
    assert _CASES, f"no fuzz corpus in {CORPUS}"
    for case in _CASES:
        assert (CORPUS / case["file"]).is_file(), case["file"]


def _param(case: dict[str, Any]) -> Any:
    marks = []
    if case.get("xfail"):
        marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
    if case.get("slow"):
        marks.append(pytest.mark.slow)
    return pytest.param(case, marks=marks, id=case["file"])


@pytest.mark.parametrize("case", [_param(c) for c in _CASES])
def test_corpus_case_ends_as_recorded(
    case: dict[str, Any], corpus_city: Database, corpus_county: Database
) -> None:
    path = CORPUS / case["file"]
    if case["kind"] == "template":
        label, usage = run_case(lambda: judge_template(corpus_county, path))
    else:
        label, usage = run_case(lambda: judge_package(corpus_city, path, case.get("reference", {})))
    _check_bounds(usage, label, [])
    expected = case["expect"]
    assert any(label == e or label.startswith(e + ":") for e in expected), (
        f"{case['file']}: {label}, expected {expected} ({case['note']})"
    )
