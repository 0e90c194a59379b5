"""``verify`` given a task package or a receipt names the file in words and the command for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from vetdesk.cli import main
from vetdesk.packages.verify import Verdict, verify_package
from vetdesk.standards.installed import create_database

SIGNED = Path(__file__).parents[1] / "signing" / "data" / "signed"


@pytest.mark.parametrize(
    ("name", "words", "command"),
    [
        ("task.xlsx", "市局任务包", "vetdesk task import"),
        ("receipt.xlsx", "市局回执", "vetdesk receipt import"),
    ],
)
def test_verify_names_the_kind_and_its_command(tmp_path, capsys, name, words, command):
    db = create_database(tmp_path / "city.db", role="city", unit_code="630200", operator="测试员")
    try:
        result = verify_package(db, SIGNED / name)
    finally:
        db.close()
    assert result.verdict is Verdict.NOT_PACKAGE
    assert words in result.message and "文件类型" not in result.message
    assert command in result.remedy
    assert result.to_json()["remedy"] == result.remedy
    # The command line prints both.
    code = main(["verify", "--db", str(tmp_path / "city.db"), str(SIGNED / name)])
    out = capsys.readouterr().out
    assert code != 0
    assert words in out and command in out
    assert "请对方发送用 VetDesk 导出的文件" not in out
