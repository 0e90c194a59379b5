"""Everything outside vetdesk.ui imports without Qt."""

import subprocess
import sys
import textwrap


def test_core_modules_import_without_pyside6():
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import vetdesk
        names = []
        for m in pkgutil.walk_packages(vetdesk.__path__, "vetdesk."):
            if m.name.startswith("vetdesk.ui") or ".migrations" in m.name:
                continue
            importlib.import_module(m.name)
            names.append(m.name)
        import vetdesk.db, vetdesk.reports
        leaked = [n for n in sys.modules if n.startswith("PySide6")]
        print(len(names), leaked)
        assert not leaked, leaked
        assert len(names) > 15, names
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "[]" in result.stdout
