"""The city's task package: issued at the city, verified and imported at a county."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from pkg_helpers import PASSPHRASE, enrol, open_pair
from sqlalchemy import select

from vetdesk import cli
from vetdesk.cli import task_commands
from vetdesk.db import models
from vetdesk.db.backup import REASON_TASK_IMPORT, list_backups
from vetdesk.db.database import Database
from vetdesk.db.write_policy import WriteRefused
from vetdesk.errors import InputRejected, UsageError
from vetdesk.packages.envelope import seal
from vetdesk.packages.task import (
    TaskVerdict,
    export_task,
    import_task,
    plan_task,
    ruleset_from_meta,
    ruleset_meta,
    verify_task,
)
from vetdesk.packages.task import export as task_export
from vetdesk.packages.task import rules as task_rules
from vetdesk.signing.keys import NAMESPACE_TASK, KeyFileError
from vetdesk.signing.keystore import active_key, create_key, unlock_key
from vetdesk.signing.trust import add_trusted_key, read_key_file, revoke_trusted_key
from vetdesk.standards.installed import create_database, install_ruleset, ruleset_in_force
from vetdesk.standards.ruleset import parse_ruleset
from vetdesk.validation.check import run_check

HUZHU_SCHOOL = "3663230000"  # 青海省互助县职业技术学校 in both demos
NEW_SCHOOL = "3663239901"
LAND_RULE = "JCC2022-5/land_area"


@pytest.fixture
def pair(county_db, city_db):
    county, city = open_pair(county_db, city_db)
    enrol(county, city)
    yield county, city
    county.close()
    city.close()


def db_bytes(db: Database) -> bytes:
    with sqlite3.connect(db.path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(db.path).read_bytes()


def edited(source: Path, target: Path, edit) -> Path:
    wb = openpyxl.load_workbook(source)
    edit(wb)
    wb.save(target)
    return target


def meta_cell(wb, key: str):
    return next(row[1] for row in wb["_vetdesk"].iter_rows() if row[0].value == key)


def make_task(city: Database, folder: Path, name: str = "task.xlsx", **kw) -> Path:
    kw.setdefault("unit_code", "630223")
    return export_task(city, 2025, folder / name, PASSPHRASE, **kw).path


def install_stricter_ruleset(db: Database, version: str, land_area: str = "9999999") -> None:
    """Install a copy of the rule set in force with a new version and another land-area threshold."""
    raw = copy.deepcopy(dict(ruleset_in_force(db).raw))
    raw["version"] = version
    for rule in raw["rules"]:
        if rule["id"] == LAND_RULE:
            rule["threshold"] = land_area
    with db.transaction() as session:
        install_ruleset(session, parse_ruleset(raw))


def verdict_of(db: Database, school_code: str) -> str:
    report = run_check(db, 2025)
    return next(a.verdict for a in report.assessments if a.school.school_code == school_code)


def assert_refused_unchanged(county: Database, path: Path, verdict: TaskVerdict) -> None:
    """The task is refused with this verdict and the county database is byte-for-byte as before."""
    before = db_bytes(county)
    result = import_task(county, path)
    assert result.verification.verdict == verdict, result.verification.message
    assert not result.ok and not result.applied
    assert db_bytes(county) == before


# --- issue and import -------------------------------------------------------------------------


def test_task_updates_the_county_setup_and_the_rules_in_force(pair, tmp_path):
    county, city = pair
    with city.transaction() as session:
        session.add(
            models.School(
                school_code=NEW_SCHOOL,
                name="互助县新设职业学校",
                county_code="630223",
                level="secondary",
                category="general",
                ownership="public",
                active=True,
            )
        )
        huzhu = session.scalar(
            select(models.School).where(models.School.school_code == HUZHU_SCHOOL)
        )
        huzhu.category = "general"
    install_stricter_ruleset(city, "2022.2-city-1")
    assert verdict_of(county, HUZHU_SCHOOL) == "pass"

    issued = export_task(
        city,
        2025,
        tmp_path / "task.xlsx",
        PASSPHRASE,
        unit_code="630223",
        deadline=dt.date(2026, 3, 31),
    )
    assert (issued.seq, issued.units, issued.counts["schools"]) == (1, ("630223",), 2)
    result = import_task(county, issued.path)
    assert result.ok and result.applied, result.verification.message

    assert [s.school_code for s in result.added] == [NEW_SCHOOL]
    changed = next(s for s in result.changed if s.school_code == HUZHU_SCHOOL)
    category = next(f for f in changed.fields if f.key == "category")
    assert (category.old, category.new) == ("边远脱贫地区", "一般类")
    threshold = next(c for c in result.rule_changes if c.rule_id == LAND_RULE)
    assert (threshold.action, threshold.old, threshold.new) == ("threshold", "≥ 40000", "≥ 9999999")
    assert result.ruleset_installed and result.ruleset_new == ("cn-vet-2022", "2022.2-city-1")
    assert result.deadline_change == ("", "2026-03-31")
    text = result.describe()
    assert "互助县新设职业学校" in text and "标准类别 边远脱贫地区 → 一般类" in text
    assert "≥ 40000 → ≥ 9999999" in text

    # The rule set is now in force at the county: the same figures no longer pass.
    assert ruleset_in_force(county).version == "2022.2-city-1"
    assert verdict_of(county, HUZHU_SCHOOL) == "fail"
    with county.session() as session:
        period = session.scalar(select(models.Period).where(models.Period.year == 2025))
        assert period.deadline == dt.date(2026, 3, 31)
        school = session.scalar(
            select(models.School).where(models.School.school_code == NEW_SCHOOL)
        )
        assert (school.name, school.category, school.active) == (
            "互助县新设职业学校",
            "general",
            True,
        )
        record = session.scalar(select(models.TaskImport))
        assert (record.period_year, record.seq) == (2025, 1)
        assert json.loads(record.summary)["added"] == [NEW_SCHOOL]
    with city.session() as session:
        assert session.scalar(
            select(models.Period.deadline).where(models.Period.year == 2025)
        ) == dt.date(2026, 3, 31)
        issue = session.scalar(select(models.TaskIssue))
        assert (issue.period_year, issue.seq, issue.manifest_sha256) == (
            2025,
            1,
            issued.manifest_sha256,
        )
    backups = [b for b in list_backups(county.path) if b.reason == REASON_TASK_IMPORT]
    assert len(backups) == 1 and backups[0].verified


def test_workbook_layout_cover_rules_sheet_and_manifest(pair, tmp_path):
    county, city = pair
    path = make_task(city, tmp_path, deadline=dt.date(2026, 3, 31))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["封面", "学校名录", "规则集", "_vetdesk"]
    assert wb["_vetdesk"].sheet_state == "veryHidden"
    cover = {r[0]: r[1] for r in wb["封面"].iter_rows(values_only=True) if r and r[0]}
    assert cover["下发单位"] == "海东市（630200）" and cover["任务包序号"] == "1"
    assert cover["上报截止日期"] == "2026-03-31" and cover["统计时点"] == "2025-12-31"
    assert cover["签名密钥指纹"] == active_key(city).fingerprint
    rules = list(wb["规则集"].iter_rows(values_only=True))
    land = next(r for r in rules if r[0] == LAND_RULE)
    assert land[1] == "校园占地面积" and land[4] == "≥ 40000" and land[5] == "达标指标"
    assert "教职成〔2022〕5号" in land[6] and land[7] and land[8]
    manifest = json.loads(meta_cell(wb, "manifest").value)
    assert manifest["kind"] == "task" and manifest["units"] == ["630223"]
    assert manifest["period"] == {
        "year": 2025,
        "statistics_date": "2025-12-31",
        "deadline": "2026-03-31",
    }
    assert manifest["ruleset"]["id"] == "cn-vet-2022" and len(manifest["ruleset"]["sha256"]) == 64
    assert isinstance(manifest["targets"], list) and {t["kind"] for t in manifest["targets"]} == {
        "compliance_share",
        "target_set",
    }
    target_set = next(t for t in manifest["targets"] if t["kind"] == "target_set")["content"]
    assert target_set["source"]["number"] == "东政办〔2024〕74号"
    assert set(manifest["sheets"]) == {"schools", "rules"}
    assert json.loads(meta_cell(wb, "ruleset").value)["ruleset_id"] == "cn-vet-2022"
    verification = verify_task(county, path)
    assert verification.ok and verification.fingerprint == active_key(city).fingerprint


def test_dry_run_shows_changes_and_writes_nothing(pair, tmp_path):
    county, city = pair
    install_stricter_ruleset(city, "2022.2-city-1")
    path = make_task(city, tmp_path)
    before = db_bytes(county)
    preview = plan_task(county, path)
    assert preview.ok and not preview.applied
    assert preview.ruleset_installed and any(c.rule_id == LAND_RULE for c in preview.rule_changes)
    assert "预览" in preview.describe()
    assert db_bytes(county) == before
    assert import_task(county, path).applied


def test_missing_schools_are_reported_not_deleted(pair, tmp_path):
    county, city = pair
    with county.transaction() as session:
        session.add(
            models.School(
                school_code="3663239902",
                name="本县自建名录学校",
                county_code="630223",
                level="secondary",
                category="general",
                ownership="private",
                active=True,
            )
        )
    result = import_task(county, make_task(city, tmp_path))
    assert [s.school_code for s in result.not_in_registry] == ["3663239902"]
    assert "不在市局的学校名录中" in result.describe()
    with county.session() as session:
        assert session.scalar(
            select(models.School).where(models.School.school_code == "3663239902")
        )


def test_county_keeps_its_own_contact_details(pair, tmp_path):
    county, city = pair
    with city.transaction() as session:
        huzhu = session.scalar(
            select(models.School).where(models.School.school_code == HUZHU_SCHOOL)
        )
        huzhu.contact_person = "市局记录的联系人"
        huzhu.name = "青海省互助县职业技术学校（更名）"
    result = import_task(county, make_task(city, tmp_path))
    changed = next(s for s in result.changed if s.school_code == HUZHU_SCHOOL)
    assert {f.key for f in changed.fields} >= {"name"}
    assert "contact_person" not in {f.key for f in changed.fields}
    with county.session() as session:
        school = session.scalar(
            select(models.School).where(models.School.school_code == HUZHU_SCHOOL)
        )
        assert school.name == "青海省互助县职业技术学校（更名）"
        assert school.contact_person != "市局记录的联系人"


def test_task_for_all_counties_imports_only_own_schools(pair, tmp_path):
    county, city = pair
    path = make_task(city, tmp_path, unit_code=None)
    verification = verify_task(county, path)
    assert verification.ok and verification.units == [
        "630202",
        "630203",
        "630222",
        "630223",
        "630224",
        "630225",
    ]
    result = import_task(county, path)
    assert result.ok and not result.added
    with county.session() as session:
        counties = set(session.scalars(select(models.School.county_code)))
    assert counties == {"630223"}


def test_first_run_from_a_task_package(pair, tmp_path):
    _county, city = pair
    path = make_task(city, tmp_path, deadline=dt.date(2026, 3, 31))
    fresh = create_database(
        tmp_path / "new.db", role="county", unit_code="630223", operator="新操作员"
    )
    try:
        add_trusted_key(fresh, "630200", read_key_file(active_key(city).public_key))
        result = import_task(fresh, path)
        assert result.ok and result.applied and result.period_created
        assert [s.school_code for s in result.added] == [HUZHU_SCHOOL]
        assert "新建 2025 年度统计期" in result.describe()
        with fresh.session() as session:
            period = session.scalar(select(models.Period).where(models.Period.year == 2025))
            assert (period.statistics_date, period.deadline) == (
                dt.date(2025, 12, 31),
                dt.date(2026, 3, 31),
            )
            names = list(session.scalars(select(models.School.name)))
        assert names == ["青海省互助县职业技术学校"]
        report = run_check(fresh, 2025)  # the new county can check at once
        assert [a.school.school_code for a in report.assessments] == [HUZHU_SCHOOL]
    finally:
        fresh.close()


def test_rule_set_too_long_for_one_cell_is_split(pair, tmp_path, monkeypatch):
    county, city = pair
    install_stricter_ruleset(city, "2022.2-city-2")
    monkeypatch.setattr(task_rules, "RULESET_CHUNK", 4000)
    path = make_task(city, tmp_path)
    wb = openpyxl.load_workbook(path)
    keys = [row[0].value for row in wb["_vetdesk"].iter_rows()]
    assert "ruleset" not in keys and {"ruleset.1", "ruleset.2", "ruleset.3"} <= set(keys)
    result = import_task(county, path)
    assert result.ok and ruleset_in_force(county).version == "2022.2-city-2"


def test_ruleset_meta_round_trip():
    text = "x" * 10_001
    pieces = ruleset_meta(text, chunk=4000)
    assert list(pieces) == ["ruleset.1", "ruleset.2", "ruleset.3"]
    assert ruleset_from_meta(pieces) == text
    assert ruleset_meta("short") == {"ruleset": "short"}
    assert ruleset_from_meta({}) is None


# --- refusals (each leaves the county database byte-for-byte unchanged) ---------------------


def test_replay_and_older_task_are_refused(pair, tmp_path):
    county, city = pair
    first = make_task(city, tmp_path, "a.xlsx")
    second = make_task(city, tmp_path, "b.xlsx")
    assert import_task(county, second).applied
    assert_refused_unchanged(county, second, TaskVerdict.REPLAY)
    assert_refused_unchanged(county, first, TaskVerdict.REPLAY)
    assert "更旧" in verify_task(county, first).message


def test_a_reissued_number_with_other_content_is_a_fork(pair, tmp_path):
    county, city = pair
    assert import_task(county, make_task(city, tmp_path, "a.xlsx")).applied
    with city.transaction() as session:
        session.delete(session.scalar(select(models.TaskIssue)))
    # The number is also kept beside the key, so a restored city database does not reuse it.
    assert export_task(city, 2025, tmp_path / "b.xlsx", PASSPHRASE, unit_code="630223").seq == 2
    with city.transaction() as session:
        for issue in session.scalars(select(models.TaskIssue)):
            session.delete(issue)
    (active_key(city).key_file.parent / task_export.SEQ_FILE).unlink()
    reissued = make_task(city, tmp_path, "c.xlsx")
    assert verify_task(county, reissued).seq == 1
    assert_refused_unchanged(county, reissued, TaskVerdict.FORK)


def test_a_later_task_reports_changed_dates(pair, tmp_path):
    county, city = pair
    assert import_task(
        county, make_task(city, tmp_path, "a.xlsx", deadline=dt.date(2026, 3, 31))
    ).applied
    with city.transaction() as session:
        period = session.scalar(select(models.Period).where(models.Period.year == 2025))
        period.statistics_date = dt.date(2025, 9, 1)
    result = import_task(county, make_task(city, tmp_path, "b.xlsx", deadline=dt.date(2026, 1, 15)))
    assert result.statistics_date_change == ("2025-12-31", "2025-09-01")
    assert result.deadline_change == ("2026-03-31", "2026-01-15")
    assert "统计时点：2025-12-31 → 2025-09-01" in result.describe()
    with county.session() as session:
        period = session.scalar(select(models.Period).where(models.Period.year == 2025))
        assert (period.statistics_date, period.deadline) == (
            dt.date(2025, 9, 1),
            dt.date(2026, 1, 15),
        )


def test_tampered_registry_cell_is_refused_naming_the_sheet(pair, tmp_path):
    county, city = pair
    path = make_task(city, tmp_path)
    bad = edited(path, tmp_path / "bad.xlsx", lambda wb: wb["学校名录"].cell(2, 5, "一般类"))
    result = verify_task(county, bad)
    assert (result.verdict, result.sheet) == (TaskVerdict.TAMPERED, "学校名录")
    assert "学校名录" in result.message
    assert_refused_unchanged(county, bad, TaskVerdict.TAMPERED)


def test_tampered_rules_are_refused(pair, tmp_path):
    county, city = pair
    path = make_task(city, tmp_path)
    readable = edited(path, tmp_path / "r.xlsx", lambda wb: wb["规则集"].cell(2, 5, "≥ 1"))
    assert verify_task(county, readable).sheet == "规则集"
    assert_refused_unchanged(county, readable, TaskVerdict.TAMPERED)

    def weaker_rule(wb):
        cell = meta_cell(wb, "ruleset")
        assert '"threshold":"40000"' in cell.value
        cell.value = cell.value.replace('"threshold":"40000"', '"threshold":"4000"', 1)

    hidden = edited(path, tmp_path / "h.xlsx", weaker_rule)
    result = verify_task(county, hidden)
    assert (result.verdict, result.sheet) == (TaskVerdict.TAMPERED, "_vetdesk")
    assert "规则集" in result.message
    assert_refused_unchanged(county, hidden, TaskVerdict.TAMPERED)


def test_task_for_another_county_is_refused(pair, tmp_path):
    county, city = pair
    path = make_task(city, tmp_path, unit_code="630202")
    assert "乐都区" in verify_task(county, path).message
    assert_refused_unchanged(county, path, TaskVerdict.NOT_FOR_THIS_UNIT)


def test_unregistered_and_revoked_keys_are_refused(pair, tmp_path):
    county, city = pair
    registered = make_task(city, tmp_path, "old-key.xlsx")
    create_key(city, PASSPHRASE, rotate=True)
    unregistered = make_task(city, tmp_path, "new-key.xlsx")
    assert_refused_unchanged(county, unregistered, TaskVerdict.UNKNOWN_KEY)
    revoke_trusted_key(county, "630200")
    assert_refused_unchanged(county, registered, TaskVerdict.REVOKED_KEY)


def test_task_signed_by_a_county_key_is_wrong_unit(pair, tmp_path):
    county, city = pair
    path = make_task(city, tmp_path)
    county_key = unlock_key(county, PASSPHRASE)

    def resign(wb):
        manifest = json.loads(meta_cell(wb, "manifest").value)
        manifest["key_id"] = active_key(county).key_id
        text, signature = seal(county_key, NAMESPACE_TASK, manifest)
        meta_cell(wb, "manifest").value = text
        meta_cell(wb, "signature").value = signature

    forged = edited(path, tmp_path / "forged.xlsx", resign)
    assert_refused_unchanged(county, forged, TaskVerdict.WRONG_UNIT)


def test_newer_format_damaged_and_not_a_task(pair, tmp_path):
    county, city = pair
    path = make_task(city, tmp_path)
    city_key = unlock_key(city, PASSPHRASE)

    def future(wb):
        manifest = json.loads(meta_cell(wb, "manifest").value)
        manifest["format"] = 99
        text, signature = seal(city_key, NAMESPACE_TASK, manifest)
        meta_cell(wb, "manifest").value = text
        meta_cell(wb, "signature").value = signature

    assert_refused_unchanged(
        county, edited(path, tmp_path / "f.xlsx", future), TaskVerdict.UNSUPPORTED_FORMAT
    )
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(path.read_bytes()[:4000])
    assert_refused_unchanged(county, cut, TaskVerdict.DAMAGED)
    from vetdesk.workbook.export import export_period

    draft = tmp_path / "draft.xlsx"
    export_period(county, 2025, draft, draft=True)
    assert_refused_unchanged(county, draft, TaskVerdict.NOT_TASK)
    message = verify_task(county, draft).message
    assert "未签名草稿" in message and "draft" not in message  # the kind in words, not its code


# --- export at the city ---------------------------------------------------------------------


def test_sequence_grows_per_period(pair, tmp_path):
    _county, city = pair
    assert [export_task(city, 2025, tmp_path / f"{n}.xlsx", PASSPHRASE).seq for n in range(3)] == [
        1,
        2,
        3,
    ]
    with city.session() as session:
        assert list(
            session.scalars(select(models.TaskIssue.seq).order_by(models.TaskIssue.seq))
        ) == [1, 2, 3]


def test_export_refusals_write_nothing(pair, tmp_path):
    county, city = pair
    target = tmp_path / "t.xlsx"
    with pytest.raises(UsageError):
        export_task(county, 2025, target, PASSPHRASE)
    with pytest.raises(InputRejected) as missing:
        export_task(city, 2030, target, PASSPHRASE)
    assert missing.value.code == "no_period"
    with pytest.raises(UsageError):
        export_task(city, 2025, target, PASSPHRASE, unit_code="630200")
    with pytest.raises(UsageError):
        export_task(city, 2025, target, PASSPHRASE, deadline=dt.date(2025, 1, 1))
    with pytest.raises(KeyFileError):
        export_task(city, 2025, target, "not the passphrase")
    assert not target.exists()
    with city.session() as session:
        assert session.scalar(select(models.TaskIssue)) is None
        assert (
            session.scalar(select(models.Period.deadline).where(models.Period.year == 2025)) is None
        )
    # The write policy refuses it (exit 1): a city imports nothing but packages.
    with pytest.raises(WriteRefused, match="任务包和回执由县区数据库导入"):
        import_task(city, make_task(city, tmp_path))


# --- command line ---------------------------------------------------------------------------


@pytest.fixture
def task_cli(monkeypatch):
    if task_commands not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, task_commands])


def test_cli_export_verify_import(pair, tmp_path, capsys, task_cli):
    county, city = pair
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    out = tmp_path / "task.xlsx"
    code = cli.main(
        [
            "task",
            "export",
            "--db",
            str(city.path),
            "--period",
            "2025",
            "--out",
            str(out),
            "--unit",
            "630223",
            "--deadline",
            "2026-03-31",
            "--passphrase-file",
            str(secret),
            "--json",
        ]
    )
    exported = json.loads(capsys.readouterr().out)
    assert code == 0 and exported["seq"] == 1 and exported["deadline"] == "2026-03-31"

    assert cli.main(["task", "verify", "--db", str(county.path), str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "valid"

    before = db_bytes(county)
    assert (
        cli.main(["task", "import", "--db", str(county.path), str(out), "--dry-run", "--json"]) == 0
    )
    preview = json.loads(capsys.readouterr().out)
    assert preview["ok"] and not preview["applied"] and preview["period"]["deadline_change"]
    assert db_bytes(county) == before

    assert cli.main(["task", "import", "--db", str(county.path), str(out)]) == 0
    assert "已导入任务包" in capsys.readouterr().out
    assert cli.main(["task", "import", "--db", str(county.path), str(out)]) == 1
    assert "[replay]" in capsys.readouterr().out
    assert cli.main(["--lang", "en", "task", "verify", "--db", str(county.path), str(out)]) == 1
    assert "already imported" in capsys.readouterr().out


def test_cli_usage_errors(pair, tmp_path, capsys, task_cli):
    county, city = pair
    out = tmp_path / "task.xlsx"
    assert (
        cli.main(
            ["task", "export", "--db", str(county.path), "--period", "2025", "--out", str(out)]
        )
        == 2
    )
    assert "市级" in capsys.readouterr().err
    assert (
        cli.main(
            [
                "task",
                "export",
                "--db",
                str(city.path),
                "--period",
                "2025",
                "--out",
                str(out),
                "--deadline",
                "31.3.2026",
            ]
        )
        == 2
    )
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert not out.exists()


def test_edited_targets_travel_to_the_county(pair, tmp_path):
    """The city's edited ten-measure targets are in force at the county after the task import."""
    from vetdesk.standards.targets import targets_in_force

    county, city = pair
    with city.transaction() as session:
        from vetdesk.standards.targets import (
            install_targets,
            load_default_targets,
            parse_target_set,
        )

        data = dict(load_default_targets().raw)
        data["version"] = "2026.2"
        install_targets(session, parse_target_set(data))
    path = tmp_path / "task.xlsx"
    export_task(city, 2025, path, PASSPHRASE, unit_code="630223")
    assert import_task(county, path).applied
    with county.session() as session:
        assert targets_in_force(session).version == "2026.2"


# --- no downgrade -------------------------------------------------------------------------------


def test_an_older_rule_set_is_refused_as_a_downgrade(pair, tmp_path):
    """A task carrying an older version of the county's rule set changes nothing at the county."""
    county, city = pair
    in_force = ruleset_in_force(county).version
    install_stricter_ruleset(county, f"{in_force}-county-2")
    install_stricter_ruleset(city, f"{in_force}-city-1")
    path = make_task(city, tmp_path)
    result = verify_task(county, path)
    assert result.verdict == TaskVerdict.DOWNGRADE
    assert f"{in_force}-city-1" in result.message and f"{in_force}-county-2" in result.message
    assert_refused_unchanged(county, path, TaskVerdict.DOWNGRADE)
    assert ruleset_in_force(county).version == f"{in_force}-county-2"


def test_older_targets_are_refused_as_a_downgrade(pair, tmp_path):
    from vetdesk.standards.targets import (
        install_targets,
        load_default_targets,
        parse_target_set,
        targets_in_force,
    )

    county, city = pair
    shipped = load_default_targets()
    for db, version in ((county, f"{shipped.version}.2"), (city, f"{shipped.version}.1")):
        with db.transaction() as session:
            install_targets(session, parse_target_set({**shipped.raw, "version": version}))
    path = make_task(city, tmp_path)
    assert_refused_unchanged(county, path, TaskVerdict.DOWNGRADE)
    with county.session() as session:
        assert targets_in_force(session).version == f"{shipped.version}.2"


def test_a_newer_rule_set_is_still_installed(pair, tmp_path):
    county, city = pair
    in_force = ruleset_in_force(county).version
    install_stricter_ruleset(city, f"{in_force}.1")
    result = import_task(county, make_task(city, tmp_path))
    assert result.applied, result.verification.message
    assert ruleset_in_force(county).version == f"{in_force}.1"
