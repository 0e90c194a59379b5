"""The command line as people and scripts use it."""

import json
import subprocess
import sys

import pytest

from vetdesk.cli import build_parser, main


def run_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "vetdesk", *args], capture_output=True, text=True, env=env
    )


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    from vetdesk import __version__

    assert result.stdout.strip() == f"VetDesk {__version__}"


def test_every_subcommand_has_help(capsys):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {"init", "demo", "check", "explain"} <= set(commands)
    for name in commands:
        with pytest.raises(SystemExit) as exit_info:
            parser.parse_args([name, "--help"])
        assert exit_info.value.code == 0
        assert "--" in capsys.readouterr().out


def test_county_demo_then_check(tmp_path, capsys):
    db = tmp_path / "county.db"
    assert main(["demo", "--db", str(db), "--unit", "630223", "--period", "2025"]) == 0
    assert "互助" in capsys.readouterr().out
    assert main(["check", "--db", str(db), "--period", "2025", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["unit"] == {"code": "630223", "name": "互助土族自治县", "role": "county"}
    assert report["counts"]["errors"] == 0
    assert report["counts"]["warnings_unexplained"] == 0
    assert report["ready_to_submit"] is True
    school = report["schools"][0]
    assert school["name"] == "青海省互助县职业技术学校"
    assert {i["indicator"] for i in school["indicators"]} >= {
        "land_per_student",
        "student_teacher_ratio",
    }
    assert all(i["source"] for i in school["indicators"])


def test_city_demo_has_passing_and_failing_schools(tmp_path, capsys):
    db = tmp_path / "city.db"
    assert main(["demo", "--db", str(db), "--role", "city", "--period", "2025"]) == 0
    capsys.readouterr()
    assert main(["check", "--db", str(db), "--period", "2025", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    verdicts = {s["verdict"] for s in report["schools"]}
    assert {"pass", "fail"} <= verdicts
    assert set(report["counties"]) == {
        "630200",
        "630202",
        "630203",
        "630222",
        "630223",
        "630224",
        "630225",
    }
    assert any(s["level"] == "higher" for s in report["schools"])
    passing = sum(s["verdict"] == "pass" for s in report["schools"])
    assert report["summary"]["schools_passing"] == passing


def test_check_exits_1_when_errors_remain(county_db, capsys):
    import sqlite3

    with sqlite3.connect(county_db) as conn:
        conn.execute("UPDATE school_conditions SET books = NULL")
    assert main(["check", "--db", str(county_db), "--period", "2025"]) == 1
    out = capsys.readouterr().out
    assert "纸质图书（册）”未填写" in out


@pytest.mark.parametrize(
    "args",
    [
        ["init", "--db", "x.db", "--role", "county", "--operator", "甲"],  # no --unit
        ["init", "--db", "x.db", "--role", "county", "--unit", "110101", "--operator", "甲"],
        ["init", "--db", "x.db", "--role", "city", "--unit", "630223", "--operator", "甲"],
        ["check", "--period", "2025"],  # no --db
        ["demo", "--db", "x.db", "--scale", "0"],
    ],
)
def test_usage_errors_exit_2(args, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert not (tmp_path / "x.db").exists()


def test_missing_period_is_a_rejection_with_json_reason(county_db, capsys):
    assert main(["check", "--db", str(county_db), "--period", "2019", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["error"]["code"] == "no_period"


def test_english_messages(county_db):
    result = run_cli("--lang", "en", "check", "--db", str(county_db), "--period", "2019")
    assert result.returncode == 1
    assert "no reporting period" in result.stderr.lower() or "period" in result.stderr.lower()
    assert "统计期" not in result.stderr


def test_explain_then_check_shows_the_explanation(county_db, capsys):
    assert main(["check", "--db", str(county_db), "--period", "2025", "--json"]) == 0
    warning = json.loads(capsys.readouterr().out)["findings"][0]
    assert (
        main(
            [
                "explain",
                "--db",
                str(county_db),
                "--period",
                "2025",
                "--rule",
                warning["rule"],
                "--record",
                warning["record_key"],
                "--field",
                warning["field"],
                "--text",
                "新的说明",
            ]
        )
        == 0
    )
    capsys.readouterr()
    main(["check", "--db", str(county_db), "--period", "2025", "--json"])
    again = json.loads(capsys.readouterr().out)["findings"]
    match = [
        f
        for f in again
        if (f["rule"], f["record_key"], f["field"])
        == (warning["rule"], warning["record_key"], warning["field"])
    ]
    assert match[0]["explanation"] == "新的说明"
    assert (
        main(
            [
                "explain",
                "--db",
                str(county_db),
                "--period",
                "2025",
                "--rule",
                warning["rule"],
                "--record",
                warning["record_key"],
                "--field",
                warning["field"],
                "--text",
                "",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["check", "--db", str(county_db), "--period", "2025", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["warnings_unexplained"] == 1


def test_demo_is_deterministic(tmp_path, capsys):
    outputs = []
    for name in ("a.db", "b.db"):
        main(["demo", "--db", str(tmp_path / name), "--period", "2025", "--seed", "7"])
        capsys.readouterr()
        main(["check", "--db", str(tmp_path / name), "--period", "2025", "--json"])
        outputs.append(json.loads(capsys.readouterr().out)["schools"])
    assert outputs[0] == outputs[1]
