"""Issuing the city's signed task package (city side).

Sequence numbers grow per period at the city (``task_issues``, and a small file beside
the key in case the database is restored).
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from vetdesk import __version__
from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.db.id_privacy import privacy_in_force
from vetdesk.db.period_data import get_period, load_schools
from vetdesk.domain.units import load_units
from vetdesk.errors import InputRejected, UsageError
from vetdesk.i18n import _
from vetdesk.packages.envelope import (
    ALGORITHM,
    MANIFEST_FORMAT,
    manifest_hash,
    seal,
    sheet_digest,
)
from vetdesk.packages.sequence import remember_seq, remembered_seq
from vetdesk.packages.task.model import TaskResult
from vetdesk.packages.task.rules import (
    RULES,
    TASK_SHEETS,
    rule_records,
    ruleset_meta,
    ruleset_text,
    task_targets,
)
from vetdesk.packages.task.verify import verify_content
from vetdesk.signing.canonical import (
    sha256_hex,
)
from vetdesk.signing.keys import (
    NAMESPACE_TASK,
    fingerprint,
    key_id,
)
from vetdesk.signing.keystore import active_key, unlock_key
from vetdesk.standards.installed import ruleset_in_force
from vetdesk.standards.targets import targets_in_force
from vetdesk.workbook.export import check_target
from vetdesk.workbook.meta import KIND_TASK
from vetdesk.workbook.reader import read_workbook
from vetdesk.workbook.schema import SCHOOLS
from vetdesk.workbook.writer import (
    MAX_CELL_TEXT,
    CoverLine,
    add_meta,
    check_records,
    new_write_only_workbook,
    save_workbook,
    standard_meta,
    write_cover,
    write_data_sheet,
)

SEQ_FILE = "last_task_seq.json"


def _covered_units(unit_code: str | None) -> tuple[str, ...]:
    units = load_units()
    if unit_code is None:
        return tuple(c.code for c in units.counties)
    unit = units.get(unit_code)
    if unit is None or unit.is_city:
        raise UsageError(_("单位代码 {code} 不是海东市所辖县区的代码。").format(code=unit_code))
    return (unit.code,)


def export_task(
    db: Database,
    year: int,
    target: Path,
    passphrase: str,
    *,
    unit_code: str | None = None,
    deadline: dt.date | None = None,
) -> TaskResult:
    """Issue the signed task package of a period for one county (or all of them)."""
    check_target(target)
    info = db.info()
    if not info.is_city:
        raise UsageError(_("只有市级数据库可以下发任务包；县区请用 vetdesk task import 导入。"))
    covered = _covered_units(unit_code)
    active_key(db)  # no key: say so before any work is done
    with db.session() as session:
        period = get_period(session, year)
        statistics_date = period.statistics_date
        due = deadline or period.deadline
        ruleset = ruleset_in_force(db, session)
        target_set = dict(targets_in_force(session).raw)
        id_privacy = privacy_in_force(session).to_json()
        schools = [
            {c.key: getattr(s, c.key) for c in SCHOOLS.data_columns}
            for s in load_schools(session, active_only=True)
            if s.county_code in covered
        ]
        db_seq = (
            session.scalar(
                select(func.max(models.TaskIssue.seq)).where(models.TaskIssue.period_year == year)
            )
            or 0
        )
    if due is not None and due < statistics_date:
        raise UsageError(
            _("截止日期 {deadline} 早于统计时点 {date}，请核对。").format(
                deadline=due.isoformat(), date=statistics_date.isoformat()
            )
        )
    text = ruleset_text(ruleset)
    rules = rule_records(ruleset)
    check_records(SCHOOLS, schools)
    check_records(RULES, rules)
    private = unlock_key(db, passphrase)
    seq = max(db_seq, remembered_seq(info.unit_code, year, SEQ_FILE)) + 1
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "alg": ALGORITHM,
        "kind": KIND_TASK,
        "unit_code": info.unit_code,
        "unit_name": info.unit_name,
        "period": {
            "year": year,
            "statistics_date": statistics_date.isoformat(),
            "deadline": due.isoformat() if due else None,
        },
        "seq": seq,
        "task_uuid": str(uuid.uuid4()),
        "ruleset": {
            "id": ruleset.ruleset_id,
            "version": ruleset.version,
            "sha256": sha256_hex(text.encode("utf-8")),
        },
        "targets": task_targets(ruleset, target_set),
        "settings": {"id_privacy": id_privacy},
        "units": list(covered),
        "sheets": {
            SCHOOLS.key: sheet_digest(SCHOOLS, schools),
            RULES.key: sheet_digest(RULES, rules),
        },
        "created_local": dt.datetime.now().replace(microsecond=0).isoformat(),
        "app_version": __version__,
        "key_id": key_id(private.public_key()),
        "operator": info.operator,
    }
    manifest_text, signature = seal(private, NAMESPACE_TASK, manifest)
    if len(manifest_text) > MAX_CELL_TEXT:
        raise InputRejected(
            _("任务包清单过长（{n} 个字符），无法写入一个单元格。").format(n=len(manifest_text)),
            code="manifest_too_long",
        )
    digest = manifest_hash(manifest)
    fp = fingerprint(private.public_key())
    units = load_units()
    covered_names = "、".join(
        f"{u.name}（{u.code}）" for u in (units.get(c) for c in covered) if u is not None
    )
    cover = [
        CoverLine(_("下发单位"), f"{info.unit_name}（{info.unit_code}）"),
        CoverLine(_("适用县区"), covered_names),
        CoverLine(_("统计年度"), str(year)),
        CoverLine(_("统计时点"), statistics_date.isoformat()),
        CoverLine(_("上报截止日期"), due.isoformat() if due else _("未定")),
        CoverLine(_("任务包序号"), str(seq)),
        CoverLine(_("规则集"), f"{ruleset.ruleset_id} {ruleset.version}"),
        CoverLine(_("学校（所）"), str(len(schools))),
        CoverLine(_("规则（条）"), str(len(rules))),
        CoverLine(_("签名密钥指纹"), fp),
        CoverLine(_("任务包标识（SHA-256）"), digest),
        CoverLine(
            _("说明"),
            _("县区用 vetdesk task import 核验并导入本文件；请勿修改，改动后将无法通过核验。"),
        ),
    ]
    workbook = new_write_only_workbook()
    write_cover(
        workbook, _("VetDesk 任务包 · {unit} {year}").format(unit=info.unit_name, year=year), cover
    )
    write_data_sheet(workbook, SCHOOLS, schools)
    write_data_sheet(workbook, RULES, rules)
    add_meta(
        workbook,
        standard_meta(
            KIND_TASK,
            {
                "unit_code": info.unit_code,
                "unit_name": info.unit_name,
                "role": info.role,
                "period": str(year),
                "statistics_date": statistics_date.isoformat(),
                "deadline": due.isoformat() if due else "",
                "units": ",".join(covered),
                "seq": str(seq),
                "fingerprint": fp,
                "key_id": str(manifest["key_id"]),
                "manifest": manifest_text,
                "signature": signature,
                **ruleset_meta(text),
            },
        ),
    )

    def verify_and_record(tmp: Path) -> None:
        # Read the written file back with the counties' own verifier, then record the
        # issue (and the deadline) in the same step: a file that would not verify is never
        # recorded, and a recorded task always has its file.
        content = read_workbook(tmp, sheets=TASK_SHEETS.values())
        content.file_name = target.name
        result = verify_content(db, content, check_ledger=False)
        if not result.ok:
            if content.issues:
                raise InputRejected(
                    _("学校名录中有无法读回的数据，任务包未导出：")
                    + "；".join(issue.describe() for issue in content.issues[:5]),
                    code="export_refused",
                )
            raise RuntimeError(f"task failed its own verification: {result.verdict} {result.sheet}")
        with db.transaction() as session:
            session.add(
                models.TaskIssue(
                    period_year=year,
                    seq=seq,
                    manifest_sha256=digest,
                    issued_at=dt.datetime.now().replace(microsecond=0),
                )
            )
            if deadline is not None:
                get_period(session, year).deadline = deadline
        remember_seq(info.unit_code, year, seq, SEQ_FILE)

    save_workbook(workbook, target, verify_and_record)
    return TaskResult(
        target,
        year,
        seq,
        digest,
        fp,
        covered,
        due,
        {SCHOOLS.key: len(schools), RULES.key: len(rules)},
    )
