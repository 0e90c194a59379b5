"""Build hook: map the repository's top-level ``resources/`` into the package as ``vetdesk/resources``.

Everything else about the build is in ``pyproject.toml``. The repository keeps its fixed
layout (``resources/`` beside ``vetdesk/``); wheels, and the PyInstaller build, carry the same
files inside the package, where :func:`vetdesk.paths.resources_dir` finds them (as a
folder beside its modules, or through ``importlib.resources`` when the package is no folder). The sdist carries ``resources/`` itself (``MANIFEST.in``), so a wheel
built from it is complete too. The translation catalogues (``.po``) are compiled into the
``.mo`` files the run time reads here, with Babel: a compiled catalogue is a build output,
never committed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RESOURCES = ROOT / "resources"
PO_FILES = sorted((RESOURCES / "i18n").glob("*/LC_MESSAGES/vetdesk.po"))
# Editor and OS litter that must never ship.
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store", "Thumbs.db", "*~", "*.mo")


def compile_catalogues(i18n: Path) -> None:
    """Compile every ``<lang>/LC_MESSAGES/vetdesk.po`` under ``i18n`` into its ``.mo``."""
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(i18n), "-D", "vetdesk"])


class BuildPyWithResources(build_py):
    """``build_py`` that also copies ``resources/`` to ``<build>/vetdesk/resources``."""

    def run(self) -> None:
        """Build the Python files, then add the resources (not for editable installs)."""
        super().run()
        if self.editable_mode:
            # An editable install runs from the source tree, which has resources/ already.
            return
        target = Path(self.build_lib) / "vetdesk" / "resources"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(RESOURCES, target, ignore=IGNORED)
        compile_catalogues(target / "i18n")

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:  # type: ignore[override]
        """Name the copied resources too, so that installers record them."""
        outputs = list(super().get_outputs(include_bytecode))
        target = Path(self.build_lib) / "vetdesk" / "resources"
        outputs += [
            str(target / p.relative_to(RESOURCES))
            for p in RESOURCES.rglob("*")
            if p.is_file() and p.suffix != ".mo"
        ]
        outputs += [str(target / p.relative_to(RESOURCES).with_suffix(".mo")) for p in PO_FILES]
        return outputs


setup(cmdclass={"build_py": BuildPyWithResources})
