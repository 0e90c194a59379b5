"""Every refusal leaves the database file byte-for-byte as it was (SQLite's header counters aside).

Each case copies a database, sets it up, checkpoints it and keeps the main file's bytes;
then opens it as VetDesk does, provokes one refusal, closes it, checkpoints again and
compares. Header bytes 24-27 and 92-99 (SQLite's change counter and version stamp) are
the only bytes allowed to differ.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from rel_helpers import PASSPHRASE, YEAR, copy_db, integrity_problems, main_file_bytes
from rel_world import World

from vetdesk import cli
from vetdesk.db.database import Database, open_database
from vetdesk.errors import VetDeskError
from vetdesk.packages.county import export_package
from vetdesk.packages.merge import apply_merge
from vetdesk.packages.receipt import ReceiptRefused, import_receipt
from vetdesk.packages.task import TaskVerdict, import_task
from vetdesk.packages.verify import Verdict, verify_package
from vetdesk.workbook.schema import CONDITIONS

Case = Callable[[World, Path], tuple[Path, Callable[[Database], None]]]


def _cli_import(workbook: Path) -> Callable[[Database], None]:
    def act(db: Database) -> None:
        db.close()  # the command opens the file itself
        code = cli.main(["import", "--db", str(db.path), str(workbook)])
        assert code == 1

    return act


def bad_file_import(world: World, tmp: Path) -> tuple[Path, Callable[[Database], None]]:
    junk = tmp / "不是表格.xlsx"
    junk.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    return copy_db(world.county, tmp / "county.db"), _cli_import(junk)


def import_with_errors(world: World, tmp: Path) -> tuple[Path, Callable[[Database], None]]:
    return copy_db(world.county, tmp / "county.db"), _cli_import(world.workbook_bad)


def import_of_a_task_file(world: World, tmp: Path) -> tuple[Path, Callable[[Database], None]]:
    return copy_db(world.county, tmp / "county.db"), _cli_import(world.task)


def tampered_package_merge(world: World, tmp: Path) -> tuple[Path, Callable[[Database], None]]:
    tampered = tmp / "改过的上报包.xlsx"
    wb = openpyxl.load_workbook(world.package)
    ws = wb[CONDITIONS.sheet_title]
    cell = next(
        c for c in ws[2] if isinstance(c.value, int | float) and not isinstance(c.value, bool)
    )
    cell.value = cell.value + 1
    wb.save(tampered)

    def act(db: Database) -> None:
        verification = verify_package(db, tampered)
        assert verification.verdict == Verdict.TAMPERED, verification.message
        assert not apply_merge(db, verification).applied

    return copy_db(world.city, tmp / "city.db"), act


def replayed_package_merge(world: World, tmp: Path) -> tuple[Path, Callable[[Database], None]]:
    path = copy_db(world.city, tmp / "city.db")
    city = open_database(path)
    assert apply_merge(city, verify_package(city, world.package)).applied
    city.close()

    def act(db: Database) -> None:
        verification = verify_package(db, world.package)
        assert verification.verdict == Verdict.REPLAY, verification.message
        assert not apply_merge(db, verification).applied

    return path, act


def export_with_wrong_passphrase(
    world: World, tmp: Path
) -> tuple[Path, Callable[[Database], None]]:
    def act(db: Database) -> None:
        with pytest.raises(VetDeskError):
            export_package(db, YEAR, tmp / "上报包.xlsx", PASSPHRASE + " wrong")
        assert not (tmp / "上报包.xlsx").exists()

    return copy_db(world.county, tmp / "county.db"), act


def receipt_for_another_unit(world: World, tmp: Path) -> tuple[Path, Callable[[Database], None]]:
    def act(db: Database) -> None:
        with pytest.raises(ReceiptRefused) as info:
            import_receipt(db, world.receipt)
        assert info.value.code == "not_for_this_unit"

    return copy_db(world.other_county, tmp / "other.db"), act


def task_for_another_county(world: World, tmp: Path) -> tuple[Path, Callable[[Database], None]]:
    def act(db: Database) -> None:
        result = import_task(db, world.task_other)
        assert result.verification.verdict == TaskVerdict.NOT_FOR_THIS_UNIT
        assert not result.applied

    return copy_db(world.county, tmp / "county.db"), act


def task_imported_twice(world: World, tmp: Path) -> tuple[Path, Callable[[Database], None]]:
    path = copy_db(world.county, tmp / "county.db")
    county = open_database(path)
    assert import_task(county, world.task).applied
    county.close()

    def act(db: Database) -> None:
        result = import_task(db, world.task)
        assert not result.ok and not result.applied, result.verification.message

    return path, act


CASES: list[Case] = [
    bad_file_import,
    import_with_errors,
    import_of_a_task_file,
    tampered_package_merge,
    replayed_package_merge,
    export_with_wrong_passphrase,
    receipt_for_another_unit,
    task_for_another_county,
    task_imported_twice,
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_refusal_leaves_the_database_file_unchanged(
    case: Case, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, act = case(world, tmp_path)
    before = main_file_bytes(path)
    db = open_database(path)
    try:
        act(db)
    finally:
        db.close()
    capsys.readouterr()
    assert integrity_problems(path) == []
    after = main_file_bytes(path)
    assert len(after) == len(before), "the file changed size"
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    assert not changed, (
        f"{len(changed)} bytes changed, first at offset {changed[0]} (page {changed[0] // 4096 + 1})"
    )
