"""Coverage-guided fuzzing of the workbook reader and verifier with atheris (libFuzzer).

Not part of pytest. ``pip install atheris`` into the virtual environment (it is not in the
locked requirements), then::

    .venv/bin/python tests/reliability/fuzz_atheris.py --mode bytes -max_total_time=60
    .venv/bin/python tests/reliability/fuzz_atheris.py --mode structured -max_total_time=60

``bytes`` lets libFuzzer mutate the raw bytes of a valid template and a signed package
(seeded into a corpus folder); ``structured`` turns the input into rel_fuzz mutations
(zip entries, XML parts, cells) applied to those files. Every input must end in a clean
refusal or a correct import/verification; anything else is a crash that libFuzzer
reports with the input saved as ``crash-*``. Time (-timeout, 10 s) and memory
(-rss_limit_mb, 1024) bounds are libFuzzer's. Options after ours go to libFuzzer.
With VETDESK_ATHERIS_STATS=path the outcome counts are written there as JSON every 50
inputs (scripts/reliability_full_run.py reads them; libFuzzer prints the run count).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

with atheris.instrument_imports(include=["vetdesk", "openpyxl", "zipfile"]):
    pass

from rel_fuzz import (  # noqa: E402
    ATTRIBUTE_VALUES,
    DTDS,
    NAMES,
    judge_package,
    judge_template,
    mutate,
)

_state: dict[str, Any] = {}
_outcomes: Counter[str] = Counter()


def _setup(work: Path) -> None:
    os.environ["VETDESK_DATA_DIR"] = str(work / "data")
    from rel_world import build_world

    from vetdesk.db.database import open_database
    from vetdesk.packages.envelope import content_digests
    from vetdesk.services.demo import generate_demo
    from vetdesk.standards.installed import create_database
    from vetdesk.workbook.reader import read_workbook
    from vetdesk.workbook.schema import EXPORT_SHEETS
    from vetdesk.workbook.template import write_template

    demo = {}
    for role, unit in (("county", "630223"), ("city", "630200")):
        db = create_database(work / f"demo-{role}.db", role=role, unit_code=unit, operator="模糊")
        generate_demo(db, year=2025)
        db.close()
        demo[role] = work / f"demo-{role}.db"
    (work / "world").mkdir()
    world = build_world(work / "world", demo["county"], demo["city"])
    county = open_database(world.county)
    write_template(county, 2025, work / "template.xlsx")
    _state.update(
        county=county,
        city=open_database(world.city),
        template=(work / "template.xlsx").read_bytes(),
        package=world.package.read_bytes(),
        reference=content_digests(read_workbook(world.package), EXPORT_SHEETS),
        case=work / "case.xlsx",
    )


def _structured_ops(fdp: atheris.FuzzedDataProvider) -> list[tuple[Any, ...]]:
    ops: list[tuple[Any, ...]] = []
    for _ in range(fdp.ConsumeIntInRange(1, 3)):
        kind = fdp.ConsumeIntInRange(0, 8)
        i, j = fdp.ConsumeIntInRange(0, 10_000), fdp.ConsumeIntInRange(0, 10_000)
        # An exhausted input reads as zeros: kind 0 is the most useful structured edit.
        if kind == 0:
            value = ATTRIBUTE_VALUES[fdp.ConsumeIntInRange(0, len(ATTRIBUTE_VALUES) - 1)]
            ops.append(("xml-attr", i, j, fdp.ConsumeIntInRange(0, 100), value))
        elif kind == 1:
            ops.append(("zip-drop", i))
        elif kind == 2:
            ops.append(("zip-rename", i, NAMES[j % len(NAMES)]))
        elif kind == 3:
            ops.append(("xml-dtd", i, j % len(DTDS)))
        elif kind == 4:
            ops.append(("xml-delete", i, j))
        elif kind == 5:
            ops.append(("xml-duplicate", i, j, fdp.ConsumeIntInRange(1, 3)))
        elif kind == 6:
            ops.append(("flip", fdp.ConsumeProbability(), fdp.ConsumeIntInRange(0, 255)))
        elif kind == 7:
            ops.append(("xml-text", i, j, fdp.ConsumeUnicodeNoSurrogates(20)))
        else:
            value = fdp.PickValueInList(
                [fdp.ConsumeUnicodeNoSurrogates(30), fdp.ConsumeInt(8), fdp.ConsumeFloat(), None]
            )
            ops.append(
                ("cell", i, fdp.ConsumeIntInRange(1, 300), fdp.ConsumeIntInRange(1, 40), value)
            )
    return ops


def _one(data: bytes, mode: str) -> None:
    path: Path = _state["case"]
    package = bool(data[:1]) and data[0] % 2 == 1
    if mode == "structured":
        fdp = atheris.FuzzedDataProvider(data)
        package = fdp.ConsumeBool()
        seed = _state["package" if package else "template"]
        path.write_bytes(mutate(seed, _structured_ops(fdp)))
    else:
        # The seeds are the two valid files; libFuzzer mutates their bytes.
        path.write_bytes(data)
        package = (b"_vetdesk" in data and b"manifest" in data) or package
    if package:
        label = judge_package(_state["city"], path, _state["reference"])
    else:
        label = judge_template(_state["county"], path)
    _outcomes[label] += 1
    if sum(_outcomes.values()) % 50 == 0:
        _report()


def _report() -> None:
    # libFuzzer leaves with exit(), past Python's atexit: the figures are rewritten as it goes.
    target = os.environ.get("VETDESK_ATHERIS_STATS")
    if target:
        figures = {"cases": sum(_outcomes.values()), "outcomes": dict(_outcomes)}
        Path(target).write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    """Parse our options, prepare the seeds and hand over to libFuzzer."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--mode", choices=("bytes", "structured"), default="bytes")
    ours, rest = parser.parse_known_args()
    work = Path(tempfile.mkdtemp(prefix="vetdesk-atheris-"))
    _setup(work)
    _report()
    corpus_args = [a for a in rest if not a.startswith("-")]
    if ours.mode == "bytes" and not corpus_args:
        seeds = work / "seeds"
        seeds.mkdir()
        (seeds / "template.xlsx").write_bytes(_state["template"])
        (seeds / "package.xlsx").write_bytes(_state["package"])
        rest.append(str(seeds))
    defaults = ["-timeout=10", "-rss_limit_mb=1024"]
    if ours.mode == "structured":
        defaults.append("-max_len=512")
    flags = [d for d in defaults if not any(a.startswith(d.split("=")[0] + "=") for a in rest)]
    atheris.Setup([sys.argv[0], *flags, *rest], lambda data: _one(data, ours.mode))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
