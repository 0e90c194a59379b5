"""Every function-local import in vetdesk/ui says why it is local (#13 item 4).

An import inside a function is for start-up time (the window paints before the core and
the pages load) or to break an import cycle; each one, or each run of consecutive ones,
carries a comment saying so (``# Local: …``) on the line above or the import's own line.
Others belong at the top of the module.
"""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "vetdesk" / "ui"


def _uncommented(path: Path, root: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    tree = ast.parse("\n".join(lines))
    starts: dict[int, int] = {}  # first line of a local import -> its last line
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    starts[sub.lineno] = sub.end_lineno or sub.lineno
    found = []
    previous_end = -1
    for start in sorted(starts):
        if start == previous_end + 1:  # the same run of imports: one comment covers it
            previous_end = starts[start]
            continue
        previous_end = starts[start]
        own = lines[start - 1]
        above = start - 2
        comment = own.split("#", 1)[1] if "#" in own else ""
        while not comment.startswith(" Local:") and lines[above].strip().startswith("#"):
            comment = lines[above].strip()[1:]  # the nearest comment line saying "Local:"
            above -= 1
        if not comment.startswith(" Local:"):
            found.append(f"{path.relative_to(root)}:{start}: {own.strip()}")
    return found


def test_every_local_import_in_the_gui_says_why_it_is_local():
    uncommented = [line for path in sorted(UI.rglob("*.py")) for line in _uncommented(path, UI)]
    assert uncommented == []


def test_the_check_finds_a_local_import_without_its_reason(tmp_path):
    module = tmp_path / "ui" / "example.py"
    module.parent.mkdir()
    module.write_text(
        "def f():\n    import json\n\n\ndef g():\n    # Local: the core loads late.\n"
        "    import csv\n    import io\n",
        encoding="utf-8",
    )
    assert _uncommented(module, tmp_path) == ["ui/example.py:2: import json"]
