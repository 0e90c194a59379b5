"""LabelledEnum.from_text: values, Chinese labels and translated labels, looked up without a scan."""

from __future__ import annotations

import pytest

from vetdesk import i18n
from vetdesk.domain import enums
from vetdesk.domain.enums import LabelledEnum, SchoolCategory, SchoolLevel


def _all_enums() -> list[type[LabelledEnum]]:
    found, todo = [], list(LabelledEnum.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _scan(cls: type[LabelledEnum], text: str) -> LabelledEnum | None:
    """The lookup as a plain scan: the first member with that value or label."""
    cleaned = text.strip()
    for member in cls:
        if cleaned in (member.value, member.label_zh, member.label):
            return member
    return None


@pytest.fixture(params=["zh", "en"])
def language(request: pytest.FixtureRequest):
    before = i18n.language()
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(before)


def test_value_label_and_translated_label_find_the_member(language: str) -> None:
    assert SchoolLevel.from_text("higher") is SchoolLevel.HIGHER
    assert SchoolLevel.from_text(" 高职 ") is SchoolLevel.HIGHER
    assert SchoolLevel.from_text(SchoolLevel.HIGHER.label) is SchoolLevel.HIGHER
    assert SchoolCategory.from_text("技工") is SchoolCategory.TECHNICIAN
    assert SchoolLevel.from_text("大学") is None
    assert SchoolLevel.from_text("") is None


def test_every_text_of_every_member_finds_what_a_scan_finds(language: str) -> None:
    classes = _all_enums()
    assert len(classes) > 10
    for cls in classes:
        for member in cls:
            for text in (member.value, member.label_zh, member.label, f" {member.value}\t"):
                assert cls.from_text(text) is _scan(cls, text) is member, (cls, text)


def test_no_two_members_of_an_enumeration_share_a_text(language: str) -> None:
    """What lets values and Chinese labels be looked up in a dictionary before labels are scanned."""
    for cls in _all_enums():
        owners: dict[str, LabelledEnum] = {}
        for member in cls:
            for text in {member.value, member.label_zh, member.label}:
                assert owners.setdefault(text, member) is member, (cls, text)


def test_values_and_chinese_labels_are_found_without_translating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check looks up every enumerated cell; only a translated label needs the catalogue."""
    calls = []
    monkeypatch.setattr(enums, "_", lambda message: calls.append(message) or message)
    for member in SchoolCategory:
        assert SchoolCategory.from_text(member.value) is member
        assert SchoolCategory.from_text(member.label_zh) is member
    assert calls == []
