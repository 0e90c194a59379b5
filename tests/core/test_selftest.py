"""The self-test fails when one of its parts cannot be loaded, instead of skipping it."""

from __future__ import annotations

import sys

import pytest

from vetdesk import selftest


def test_a_missing_part_is_a_failing_step(monkeypatch, tmp_path):
    # None in sys.modules makes the import fail as a module left out of a frozen build does.
    monkeypatch.setitem(sys.modules, "vetdesk.reports.selftest", None)
    steps = dict(selftest.extra_steps())
    assert "load vetdesk.reports.selftest" in steps
    with pytest.raises(RuntimeError, match=r"vetdesk\.reports\.selftest cannot be loaded"):
        steps["load vetdesk.reports.selftest"](tmp_path)
    # The parts that load still contribute their own steps.
    assert len(steps) > 1


def test_a_failing_step_fails_the_run(monkeypatch):
    def broken(_tmp):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(selftest, "STEPS", [("broken", broken)])
    monkeypatch.setattr(selftest, "PART_MODULES", ())
    lines: list[str] = []
    assert selftest.run_self_test(lines.append) == 1
    assert "FAIL broken" in lines and lines[-1].startswith("SELF-TEST FAILED")
