"""Buttons and actions are never wired straight to a method that takes arguments.

``clicked``, ``triggered`` and ``toggled`` pass a ``checked`` bool: connected to
``def export(self, target=None)`` it arrives as ``target`` and the click fails
(a new-user run found 导出公钥文件 broken this way). Such slots are wrapped in a lambda.
"""

from __future__ import annotations

import ast
from pathlib import Path

import vetdesk.ui

UI = Path(vetdesk.ui.__file__).parent
BOOL_SIGNALS = {"clicked", "triggered", "toggled"}


def _direct_connections_to_methods_with_parameters() -> list[str]:
    found = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
            for call in ast.walk(cls):
                if not (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "connect"
                    and isinstance(call.func.value, ast.Attribute)
                    and call.func.value.attr in BOOL_SIGNALS
                    and call.args
                ):
                    continue
                slot = call.args[0]
                if (
                    isinstance(slot, ast.Attribute)
                    and isinstance(slot.value, ast.Name)
                    and slot.value.id == "self"
                    and slot.attr in methods
                    and len(methods[slot.attr].args.args) > 1
                ):
                    found.append(f"{path.relative_to(UI)}:{call.lineno} {slot.attr}")
    return found


def test_no_bool_signal_reaches_a_parameter():
    assert _direct_connections_to_methods_with_parameters() == []


def test_the_audit_sees_a_bad_connection(tmp_path, monkeypatch):
    """The check itself finds the mistake it is there for."""
    bad = tmp_path / "ui"
    bad.mkdir()
    (bad / "page.py").write_text(
        "class Page:\n"
        "    def __init__(self):\n"
        "        self.button.clicked.connect(self.export)\n"
        "    def export(self, target=None):\n"
        "        pass\n",
        encoding="utf-8",
    )
    monkeypatch.setitem(globals(), "UI", bad)
    assert _direct_connections_to_methods_with_parameters() == ["page.py:3 export"]
