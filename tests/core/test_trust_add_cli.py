"""``vetdesk trust add`` from the command line: the unit named in the key file, no terminal."""

from __future__ import annotations

import io
import json
import sys

import pytest

from vetdesk.cli import main

PASS = "correct horse battery"


@pytest.fixture
def offices(tmp_path, capsys, monkeypatch):
    """A city database and 互助县's exported public key, in the working folder."""
    monkeypatch.setenv("VETDESK_PASSPHRASE", PASS)
    monkeypatch.chdir(tmp_path)
    for args in (
        ["init", "--db", "city.db", "--role", "city", "--operator", "李科长"],
        ["init", "--db", "county.db", "--role", "county", "--unit", "630223", "--operator", "张"],
        ["key", "init", "--db", "county.db"],
        ["key", "export", "--db", "county.db", "--out", "互助县.pub"],
    ):
        assert main(args) == 0
    capsys.readouterr()
    assert main(["key", "show", "--db", "county.db", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["fingerprint"]


def test_key_of_one_county_is_not_registered_for_another(offices, capsys):
    code = main(["trust", "add", "--db", "city.db", "--unit", "630222", "互助县.pub",
                 "--fingerprint", offices])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "互助土族自治县" in err and "民和回族土族自治县" in err
    assert "已登记" not in out
    assert main(["trust", "list", "--db", "city.db", "--json"]) == 0
    assert "630222" not in capsys.readouterr().out


def test_without_a_terminal_the_refusal_asks_for_the_fingerprint(offices, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(["trust", "add", "--db", "city.db", "--unit", "630223", "互助县.pub"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "--fingerprint" in err and "登记表" in err
    assert "--yes" not in err
    # With the fingerprint from the form it is registered, still without a terminal.
    code = main(["trust", "add", "--db", "city.db", "--unit", "630223", "互助县.pub",
                 "--fingerprint", offices])  # fmt: skip
    assert code == 0, capsys.readouterr()
