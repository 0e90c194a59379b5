"""Verifying a task package at a county: the shared envelope pipeline, worded for tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetdesk.db import models
from vetdesk.db.database import Database
from vetdesk.domain.units import load_units
from vetdesk.i18n import N_, _
from vetdesk.packages.envelope import EnvelopeKind, Refusal, Step, read_signed_file, verify_envelope
from vetdesk.packages.task.downgrade import downgrade_problem
from vetdesk.packages.task.model import TaskPayload, TaskVerification
from vetdesk.packages.task.rules import TASK_SHEETS, ruleset_from_meta
from vetdesk.packages.verdict import Verdict
from vetdesk.signing.canonical import (
    StrictJSONError,
    canonical_json,
    parse_strict_json,
    sha256_hex,
)
from vetdesk.signing.keys import (
    NAMESPACE_TASK,
)
from vetdesk.standards.ruleset import RuleSet, RuleSetError, parse_ruleset
from vetdesk.workbook.meta import KIND_TASK, kind_name
from vetdesk.workbook.reader import WorkbookContent
from vetdesk.workbook.schema import SCHOOLS

# --- verification ---------------------------------------------------------------------------


_TAMPERED_RULESET = N_(
    "任务包中的规则集数据（隐藏的 _vetdesk 工作表）在签名后被修改或缺失，任务包不可信。"
)

_WORDING = {
    Step.NOT_THIS_KIND: lambda c: _(
        "这不是 VetDesk 任务包（而是{kind}）。请确认市局发送的是用“导出任务包”生成的文件。"
    ).format(kind=kind_name(c.file_kind) if c.file_kind else _("普通工作簿")),
    Step.MALFORMED: lambda c: _("签名数据已被修改或损坏（隐藏的 _vetdesk 工作表），任务包不可信。"),
    Step.FORMAT: lambda c: _(
        "任务包格式版本 {v} 比本软件支持的更新，请升级 VetDesk 后再导入。"
    ).format(v=c.format),
    Step.UNKNOWN_KEY: lambda c: _(
        "任务包的签名密钥（{key}）未在本单位登记。请向市局索取公钥文件和签字盖章的登记表，核对指纹后登记（“签名密钥”页面的“登记对方公钥”，或命令 vetdesk trust add --unit {city}）。"
    ).format(key=c.key_id, city=load_units().city.code),
    Step.REVOKED_KEY: lambda c: _(
        "任务包的签名密钥（指纹 {fp}）已被吊销或更换，不再接受其签名的任务包。"
    ).format(fp=c.key.fingerprint if c.key else ""),
    Step.WRONG_UNIT: lambda c: _(
        "任务包只能由{city}签名，但签名密钥登记给的是单位 {real}。"
    ).format(city=load_units().city.name, real=c.key.unit_code if c.key else ""),
    Step.BAD_STORED_KEY: lambda c: _("登记的公钥已损坏，请重新登记。"),
    Step.BAD_SIGNATURE: lambda c: _(
        "签名数据在签名后被修改（隐藏的 _vetdesk 工作表），任务包不可信。"
    ),
    Step.MANIFEST_KIND: lambda c: _("该文件的签名清单不是任务包。"),
    Step.UNSIGNED_SHEET: lambda c: _(
        "工作表“{sheet}”不在签名范围内（签名数据没有列出它），是签名后加入的，任务包不可信。请让市局重新下发。"
    ).format(sheet=c.sheet),
    Step.CHANGED_SHEET: lambda c: _(
        "工作表“{sheet}”的数据在签名后被修改（增删行或改动了内容），任务包不可信。请让市局重新下发。"
    ).format(sheet=c.sheet),
}


def _ruleset_of(manifest: Mapping[str, Any], meta_values: Mapping[str, str]) -> tuple[RuleSet, str]:
    tampered = Refusal(Verdict.TAMPERED, _(_TAMPERED_RULESET), "_vetdesk")
    declared = manifest.get("ruleset")
    text = ruleset_from_meta(meta_values)
    if not isinstance(declared, dict) or text is None:
        raise tampered
    try:
        data = parse_strict_json(text)
        canonical = canonical_json(data)
    except (StrictJSONError, TypeError, ValueError):
        raise tampered from None
    digest = sha256_hex(canonical)
    if digest != declared.get("sha256"):
        raise tampered
    try:
        ruleset = parse_ruleset(data)
    except RuleSetError as exc:
        verdict = Verdict.UNSUPPORTED_FORMAT if exc.code == "ruleset_format" else Verdict.DAMAGED
        raise Refusal(verdict, exc.message) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Refusal(
            Verdict.DAMAGED, _("任务包中的规则集格式不正确：{err}").format(err=exc)
        ) from exc
    if (ruleset.ruleset_id, ruleset.version) != (declared.get("id"), declared.get("version")):
        raise tampered
    return ruleset, digest


def _payload(
    manifest: Mapping[str, Any], content: WorkbookContent, ruleset: RuleSet, digest: str
) -> TaskPayload:
    try:
        period = manifest["period"]
        year = period["year"]
        seq = manifest["seq"]
        units = manifest["units"]
        targets = manifest["targets"]
        if not (isinstance(year, int) and isinstance(seq, int) and seq >= 1):
            raise ValueError("year or seq")
        if not isinstance(units, list) or not isinstance(targets, list):
            raise ValueError("units or targets")
        statistics_date = dt.date.fromisoformat(period["statistics_date"])
        deadline_text = period.get("deadline")
        deadline = dt.date.fromisoformat(deadline_text) if deadline_text else None
        known = {c.code for c in load_units().counties}
        if not units or any(u not in known for u in units):
            raise ValueError("units")
    except (KeyError, TypeError, ValueError) as exc:
        raise Refusal(
            Verdict.DAMAGED,
            _("任务包清单的内容不完整或格式不正确（{err}），请让市局重新导出。").format(err=exc),
        ) from exc
    sheet = content.sheet(SCHOOLS.key)
    schools = tuple(r.values for r in sheet.rows) if sheet else ()
    return TaskPayload(
        unit_code=str(manifest.get("unit_code")),
        year=year,
        statistics_date=statistics_date,
        deadline=deadline,
        seq=seq,
        units=tuple(str(u) for u in units),
        ruleset=ruleset,
        ruleset_sha256=digest,
        targets=tuple(t for t in targets if isinstance(t, dict)),
        schools=schools,
    )


def _content_check(db: Database, result: TaskVerification) -> None:
    manifest, content = result.manifest, result.content
    assert manifest is not None and content is not None and content.meta is not None
    ruleset, digest = _ruleset_of(manifest, content.meta.values)
    if content.issues:
        # Signed as it is, yet unreadable: written by a faulty exporter, not tampered with.
        raise Refusal(
            Verdict.DAMAGED,
            _("任务包中有无法读取的数据：")
            + "；".join(issue.describe() for issue in content.issues[:5]),
        )
    payload = _payload(manifest, content, ruleset, digest)
    result.payload = payload
    result.message = _("任务包有效：{city} {year} 年度，第 {seq} 号。").format(
        city=load_units().city.name, year=payload.year, seq=payload.seq
    )
    del db


def _scope(db: Database, result: TaskVerification) -> None:
    info = db.info()
    payload = result.payload
    assert payload is not None
    if info.is_city or info.unit_code in payload.units:
        return  # the city checks its own file: no county scope
    names = "、".join(u.name for u in (load_units().get(c) for c in payload.units) if u is not None)
    raise Refusal(
        Verdict.NOT_FOR_THIS_UNIT,
        _("该任务包是下发给{units}的，不是本单位（{own}）的。").format(
            units=names, own=info.unit_name
        ),
    )


def ledger_problem(
    db: Database, session: Session, payload: TaskPayload, digest: str
) -> Refusal | None:
    """Why a county must not import this task now: imported before, older, a fork, a downgrade."""
    same = session.scalar(
        select(models.TaskImport).where(models.TaskImport.manifest_sha256 == digest)
    )
    if same is not None:
        return Refusal(
            Verdict.REPLAY,
            _("该任务包（第 {seq} 号）已于 {at} 导入过，无需重复导入。").format(
                seq=same.seq, at=same.imported_at.isoformat(sep=" ")
            ),
        )
    newest = session.scalar(
        select(models.TaskImport)
        .where(models.TaskImport.period_year == payload.year)
        .order_by(models.TaskImport.seq.desc())
        .limit(1)
    )
    if newest is not None and payload.seq < newest.seq:
        return Refusal(
            Verdict.REPLAY,
            _("该任务包（第 {seq} 号）比已导入的第 {last} 号更旧，不能覆盖较新的设置。").format(
                seq=payload.seq, last=newest.seq
            ),
        )
    if newest is not None and payload.seq == newest.seq:
        return Refusal(
            Verdict.FORK,
            _(
                "已导入过另一个同为第 {seq} 号的任务包，两者内容不同（市局可能从备份恢复后重复下发）。请与市局核实。"
            ).format(seq=payload.seq),
        )
    return downgrade_problem(db, session, payload)


def _ledger(db: Database, session: Session, result: TaskVerification) -> None:
    if db.info().is_city:
        return  # the city checks its own file: it keeps no import ledger
    assert result.payload is not None and result.manifest_sha256 is not None
    problem = ledger_problem(db, session, result.payload, result.manifest_sha256)
    if problem is not None:
        raise problem


TASK = EnvelopeKind(
    kind=KIND_TASK,
    namespace=NAMESPACE_TASK,
    wrong_kind=Verdict.NOT_TASK,
    wording=_WORDING,
    sheets=TASK_SHEETS,
    required_sheets=(SCHOOLS.key,),
    signed_by_city=True,
    content_check=_content_check,
    scope=_scope,
    ledger=_ledger,
)


def verify_content(
    db: Database, content: WorkbookContent, *, check_ledger: bool = True
) -> TaskVerification:
    """Verify an already read task workbook (nothing is written)."""
    result = TaskVerification(content.file_name, Verdict.VALID, "")
    verify_envelope(db, content, TASK, result, check_ledger=check_ledger)
    return result


def verify_task(db: Database, path: Path) -> TaskVerification:
    """Verify a task file; never raises for a bad file, always returns a verdict."""
    content = read_signed_file(path, TASK, TASK_SHEETS.values())
    if isinstance(content, Refusal):
        return TaskVerification(path.name, content.verdict, content.message)
    return verify_content(db, content)
