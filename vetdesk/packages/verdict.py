"""The one verdict vocabulary of signed files: packages, task packages and receipts.

Every verification of a signed envelope ends in one of these codes (stable for
``--json`` and for the receipt's manifest); each has a short label for lists and the
remedy a person can act on. The detailed message of a refusal stays with its kind.
"""

from __future__ import annotations

import enum

from vetdesk.i18n import N_, _


class Verdict(enum.StrEnum):
    """The one answer verifying a package, a task package or a receipt gives."""

    VALID = "valid"
    NOT_PACKAGE = "not_package"
    NOT_TASK = "not_task"
    NOT_RECEIPT = "not_receipt"
    DAMAGED = "damaged"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNKNOWN_KEY = "unknown_key"
    REVOKED_KEY = "revoked_key"
    WRONG_UNIT = "wrong_unit"
    TAMPERED = "tampered"
    NOT_FOR_THIS_UNIT = "not_for_this_unit"
    REPLAY = "replay"
    FORK = "fork"
    DOWNGRADE = "downgrade"
    UNKNOWN_PACKAGE = "unknown_package"

    @property
    def label(self) -> str:
        """A few words naming the verdict, in the current language."""
        return _(_LABELS[self])

    @property
    def remedy(self) -> str:
        """What a person can do about it, in the current language (empty when valid)."""
        text = _REMEDIES.get(self)
        return _(text) if text else ""


_LABELS = {
    Verdict.VALID: N_("有效"),
    Verdict.NOT_PACKAGE: N_("不是上报包"),
    Verdict.NOT_TASK: N_("不是任务包"),
    Verdict.NOT_RECEIPT: N_("不是回执"),
    Verdict.DAMAGED: N_("文件已损坏"),
    Verdict.UNSUPPORTED_FORMAT: N_("格式版本不支持"),
    Verdict.UNKNOWN_KEY: N_("签名密钥未登记"),
    Verdict.REVOKED_KEY: N_("签名密钥已吊销"),
    Verdict.WRONG_UNIT: N_("单位与密钥不符"),
    Verdict.TAMPERED: N_("内容被改动"),
    Verdict.NOT_FOR_THIS_UNIT: N_("不是发给本单位的"),
    Verdict.REPLAY: N_("重复或过期的包"),
    Verdict.FORK: N_("序号冲突"),
    Verdict.DOWNGRADE: N_("规则集版本较旧"),
    Verdict.UNKNOWN_PACKAGE: N_("所指的上报包不存在"),
}

_REMEDIES = {
    Verdict.NOT_PACKAGE: N_("请对方发送用 VetDesk 导出的文件。"),
    Verdict.NOT_TASK: N_("请对方发送用 VetDesk 导出的文件。"),
    Verdict.NOT_RECEIPT: N_("请对方发送用 VetDesk 导出的文件。"),
    Verdict.DAMAGED: N_("请对方重新导出后再发送。"),
    Verdict.UNSUPPORTED_FORMAT: N_("请升级 VetDesk 后再试。"),
    Verdict.UNKNOWN_KEY: N_(
        "请向对方索取公钥文件和签字盖章的登记表，核对指纹后登记（vetdesk trust add）。"
    ),
    Verdict.REVOKED_KEY: N_("请对方用新登记的密钥重新导出。"),
    Verdict.WRONG_UNIT: N_("不要使用该文件；请与对方核实文件来源。"),
    Verdict.TAMPERED: N_("不要使用该文件；请对方重新导出后再发送。"),
    Verdict.NOT_FOR_THIS_UNIT: N_("请向市局索取发给本单位的文件。"),
    Verdict.REPLAY: N_("无需处理；如数据有更新，请对方导出新的文件。"),
    Verdict.FORK: N_("请与对方核实哪一份是最新的，再由对方重新导出。"),
    Verdict.DOWNGRADE: N_("请市局用当前的规则集重新下发任务包。"),
    Verdict.UNKNOWN_PACKAGE: N_("请确认回执所指的上报包是从本数据库导出的。"),
}
