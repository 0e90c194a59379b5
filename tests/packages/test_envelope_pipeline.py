"""One verification pipeline for the three signed kinds: the same fault gets the same verdict.

A county package (verified at the city), a task package and a receipt (verified at the
county) are made once; each test edits a copy and checks the verdict every kind gives,
and that each kind still words the refusal for itself.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pkg_helpers import PASSPHRASE, enrol, make_package

from vetdesk.db.database import Database, open_database
from vetdesk.packages import envelope
from vetdesk.packages.envelope import (
    EnvelopeVerification,
    Refusal,
    as_signed,
    content_digests,
    read_signed_file,
    seal,
    sheet_digest,
)
from vetdesk.packages.merge import apply_merge
from vetdesk.packages.receipt import issue_receipt, verify_receipt
from vetdesk.packages.task import export_task, verify_task
from vetdesk.packages.verdict import Verdict
from vetdesk.packages.verify import PACKAGE, verify_content, verify_package
from vetdesk.signing.keys import NAMESPACE_PACKAGE, NAMESPACE_RECEIPT, NAMESPACE_TASK, key_id
from vetdesk.signing.keystore import unlock_key
from vetdesk.workbook.schema import CONDITIONS, SCHOOLS, SheetSpec

NAMESPACES = {"package": NAMESPACE_PACKAGE, "task": NAMESPACE_TASK, "receipt": NAMESPACE_RECEIPT}
NOUNS = {"package": "上报包", "task": "任务包", "receipt": "回执"}


@dataclass
class World:
    """A county and a city that exchanged one package, its receipt and a task package."""

    county: Database
    city: Database
    files: dict[str, Path]
    signers: dict[str, Ed25519PrivateKey]
    folder: Path

    def verify(self, kind: str, path: Path) -> EnvelopeVerification:
        """Verify a file as the side that receives that kind does."""
        if kind == "package":
            # Merged already: the ledger would call the genuine file a replay.
            return verify_package(self.city, path, check_ledger=False)
        if kind == "task":
            return verify_task(self.county, path)
        return verify_receipt(self.county, path)


def copy_db(source: Path, folder: Path, name: str) -> Path:
    """A copy of a database file and its WAL side files."""
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", folder / f"{name}{suffix}")
    return folder / name


@pytest.fixture(scope="module")
def world(
    demo_county_template: Path, demo_city_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("envelope")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VETDESK_DATA_DIR", str(folder / "data"))
        county = open_database(copy_db(demo_county_template, folder, "county.db"))
        city = open_database(copy_db(demo_city_template, folder, "city.db"))
        enrol(county, city)
        package = make_package(county, folder)
        preview = apply_merge(city, verify_package(city, package))
        assert preview.applied
        receipt = issue_receipt(city, preview, folder / "receipts", PASSPHRASE)
        task = export_task(city, 2025, folder / "task.xlsx", PASSPHRASE, unit_code="630223").path
        city_key, county_key = unlock_key(city, PASSPHRASE), unlock_key(county, PASSPHRASE)
        yield World(
            county,
            city,
            {"package": package, "task": task, "receipt": receipt},
            {"package": county_key, "task": city_key, "receipt": city_key},
            folder,
        )
        county.close()
        city.close()


def _meta_cell(wb: openpyxl.Workbook, key: str):  # type: ignore[no-untyped-def]
    return next(row[1] for row in wb["_vetdesk"].iter_rows() if row[0].value == key)


def edited(world: World, kind: str, name: str, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    """A copy of the kind's genuine file with one edit."""
    wb = openpyxl.load_workbook(world.files[kind])
    edit(wb)
    target = world.folder / f"{kind}-{name}.xlsx"
    wb.save(target)
    return target


def resigned(
    kind: str, key: Ed25519PrivateKey, namespace: bytes, change: Callable[[dict], None] = dict
) -> Callable[[openpyxl.Workbook], None]:
    """An edit that signs the (changed) manifest again with a given key and namespace."""

    def edit(wb: openpyxl.Workbook) -> None:
        manifest = json.loads(_meta_cell(wb, "manifest").value)
        change(manifest)
        text, signature = seal(key, namespace, manifest)
        _meta_cell(wb, "manifest").value = text
        _meta_cell(wb, "signature").value = signature

    del kind
    return edit


KINDS = ["package", "task", "receipt"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_genuine_file_of_each_kind_is_valid(world: World, kind: str) -> None:
    result = world.verify(kind, world.files[kind])
    assert result.verdict is Verdict.VALID, result.message
    assert result.fingerprint and result.manifest_sha256


@pytest.mark.parametrize("kind", KINDS)
def test_a_signature_under_another_kinds_namespace_is_tampered(world: World, kind: str) -> None:
    other = next(ns for k, ns in NAMESPACES.items() if k != kind)
    path = edited(world, kind, "namespace", resigned(kind, world.signers[kind], other))
    result = world.verify(kind, path)
    assert (result.verdict, result.sheet) == (Verdict.TAMPERED, "_vetdesk")
    # Signed with the right key: only the namespace differs, and each kind says so in its words.
    assert NOUNS[kind] in result.message


@pytest.mark.parametrize("kind", KINDS)
def test_an_unregistered_key_is_unknown(world: World, kind: str) -> None:
    stranger = Ed25519PrivateKey.generate()

    def claim(manifest: dict) -> None:
        manifest["key_id"] = key_id(stranger.public_key())

    path = edited(world, kind, "stranger", resigned(kind, stranger, NAMESPACES[kind], claim))
    result = world.verify(kind, path)
    assert result.verdict is Verdict.UNKNOWN_KEY, result.message
    assert result.verdict.remedy  # what to do is part of the vocabulary


@pytest.mark.parametrize("kind", KINDS)
def test_a_damaged_signature_is_tampered(world: World, kind: str) -> None:
    def flip(wb: openpyxl.Workbook) -> None:
        cell = _meta_cell(wb, "signature")
        raw = bytearray(base64.b64decode(cell.value))
        raw[0] ^= 0x01
        cell.value = base64.b64encode(bytes(raw)).decode("ascii")

    result = world.verify(kind, edited(world, kind, "flipped", flip))
    assert (result.verdict, result.sheet) == (Verdict.TAMPERED, "_vetdesk")


@pytest.mark.parametrize("kind", KINDS)
def test_a_manifest_edited_after_signing_is_tampered(world: World, kind: str) -> None:
    def bump(wb: openpyxl.Workbook) -> None:
        cell = _meta_cell(wb, "manifest")
        manifest = json.loads(cell.value)
        manifest["seq"] += 100
        cell.value = json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))

    result = world.verify(kind, edited(world, kind, "bumped", bump))
    assert result.verdict is Verdict.TAMPERED, result.message


def _edit_condition(wb: openpyxl.Workbook) -> None:
    ws = wb[CONDITIONS.sheet_title]
    cell = next(
        c for c in ws[2] if isinstance(c.value, int | float) and not isinstance(c.value, bool)
    )
    cell.value = cell.value + 1


def _edit_school(wb: openpyxl.Workbook) -> None:
    ws = wb[SCHOOLS.sheet_title]
    cell = next(c for c in ws[2] if isinstance(c.value, str) and "学校" in c.value)
    cell.value = cell.value + "（改）"


@pytest.mark.parametrize(
    ("kind", "edit", "sheet"),
    [
        ("package", _edit_condition, CONDITIONS.sheet_title),
        ("task", _edit_school, SCHOOLS.sheet_title),
    ],
)
def test_a_data_sheet_whose_hash_differs_is_tampered_and_named(
    world: World, kind: str, edit: Callable[[openpyxl.Workbook], None], sheet: str
) -> None:
    # Receipts sign no data sheet: their whole content is the manifest (tested above).
    result = world.verify(kind, edited(world, kind, "cell", edit))
    assert (result.verdict, result.sheet) == (Verdict.TAMPERED, sheet)
    assert sheet in result.message and NOUNS[kind] in result.message


@pytest.mark.parametrize(
    ("kind", "given", "verdict"),
    [
        ("package", "receipt", Verdict.NOT_PACKAGE),
        ("task", "package", Verdict.NOT_TASK),
        ("receipt", "task", Verdict.NOT_RECEIPT),
    ],
)
def test_a_file_of_another_kind_is_refused_as_not_this_kind(
    world: World, kind: str, given: str, verdict: Verdict
) -> None:
    assert world.verify(kind, world.files[given]).verdict is verdict


def test_a_receipt_for_another_county_is_not_for_this_unit(world: World, tmp_path: Path) -> None:
    def readdress(manifest: dict) -> None:
        manifest["unit_code"] = "630202"

    key = world.signers["receipt"]
    path = edited(
        world, "receipt", "readdressed", resigned("receipt", key, NAMESPACE_RECEIPT, readdress)
    )
    result = world.verify("receipt", path)
    # The same verdict a task package for another county gets (receipts said "wrong_unit").
    assert result.verdict is Verdict.NOT_FOR_THIS_UNIT, result.message
    assert "630202" in result.message


def test_every_verdict_has_a_label_and_every_refusal_a_remedy() -> None:
    for verdict in Verdict:
        assert verdict.label
        assert bool(verdict.remedy) == (verdict is not Verdict.VALID)


def test_a_package_verified_again_is_not_hashed_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge verifies before and under the write lock; the sheets are hashed once."""
    content = read_signed_file(world.files["package"], PACKAGE)
    assert not isinstance(content, Refusal)
    hashed: list[str] = []

    def counting(spec: SheetSpec, rows: list[dict[str, object]]) -> dict[str, object]:
        hashed.append(spec.key)
        return sheet_digest(spec, rows)

    monkeypatch.setattr(envelope, "sheet_digest", counting)
    first = verify_content(world.city, content, check_ledger=False)
    once = sorted(hashed)
    again = verify_content(world.city, content, check_ledger=False)
    assert first.verdict is again.verdict is Verdict.VALID
    assert once and sorted(hashed) == once


def test_digests_of_other_signed_columns_are_not_shared(world: World) -> None:
    """A sheet signed over fewer columns (an older package) gets its own digest."""
    content = read_signed_file(world.files["package"], PACKAGE)
    assert not isinstance(content, Refusal)
    older = as_signed(CONDITIONS, {"columns": [c.key for c in CONDITIONS.columns[:-1]]})
    assert older.columns != CONDITIONS.columns
    full = content_digests(content, [CONDITIONS])[CONDITIONS.key]
    fewer = content_digests(content, [older])[CONDITIONS.key]
    assert full is not None and fewer is not None
    assert fewer["columns"] == [c.key for c in older.columns]
    assert fewer["sha256"] != full["sha256"]
    assert content_digests(content, [CONDITIONS])[CONDITIONS.key] == full
