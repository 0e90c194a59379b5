#!/usr/bin/env python3
"""Refresh the GUI's Qt translation catalogue and compile it.

Extracts every UI string of ``vetdesk/ui`` — ``self.tr("…")`` (context: the enclosing
class) and module helpers ``_tr("…")`` defined as ``QCoreApplication.translate("Ctx", text)``
(context: ``Ctx``), which ``pyside6-lupdate`` does not follow — into
``resources/i18n/qt/vetdesk_en.ts``, keeping the translations already there, then runs
``pyside6-lrelease`` to write ``vetdesk_en.qm``. Edit English text in the ``.ts`` file
(Qt Linguist or any editor) and run this again.

Usage::

    .venv/bin/python scripts/update_ui_translations.py [--merge english.json]

``--merge`` takes a JSON object {"context|source": "translation"} or {"source": "…"}.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "vetdesk" / "ui"
TS = ROOT / "resources" / "i18n" / "qt" / "vetdesk_en.ts"

Key = tuple[str, str]  # (context, source)


def _helper_context(tree: ast.Module) -> str | None:
    """The context of a module's ``_tr`` helper, if it has one."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "_tr":
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "translate"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    return str(call.args[0].value)
    return None


def extract(path: Path) -> list[tuple[Key, bool]]:
    """(context, source) pairs of one file, with whether the text is a plural (%n)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    helper = _helper_context(tree)
    found: list[tuple[Key, bool]] = []

    def visit(node: ast.AST, cls: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, child.name)
                continue
            if isinstance(child, ast.Call) and child.args:
                first = child.args[0]
                func = child.func
                context: str | None = None
                source: str | None = None
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr == "tr"
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "self"
                    and cls is not None
                ):
                    context = cls
                elif isinstance(func, ast.Name) and func.id == "_tr" and helper is not None:
                    context = helper
                elif (
                    isinstance(func, ast.Attribute)
                    and func.attr == "translate"
                    and isinstance(first, ast.Constant)
                    and len(child.args) > 1
                    and isinstance(child.args[1], ast.Constant)
                ):
                    context, first = str(first.value), child.args[1]
                if context is not None:
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        source = first.value
                    elif isinstance(first, ast.JoinedStr):
                        raise SystemExit(f"{path}: f-string passed to tr(): use .format()")
                if context is not None and source is not None:
                    found.append(((context, source), "%n" in source and len(child.args) >= 3))
            visit(child, cls)

    visit(tree, None)
    return found


def load_existing(path: Path) -> dict[Key, list[str]]:
    """Translations already in the .ts file (several forms for plurals)."""
    if not path.exists():
        return {}
    existing: dict[Key, list[str]] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None:
                continue
            forms = [f.text or "" for f in translation.iter("numerusform")]
            text = forms or ([translation.text] if translation.text else [])
            if text and translation.get("type") not in ("unfinished", "obsolete"):
                existing[(name, source)] = text
    return existing


def write_ts(path: Path, messages: dict[Key, bool], translations: dict[Key, list[str]]) -> int:
    """Write the catalogue; return how many messages still lack a translation."""
    root = ET.Element("TS", version="2.1", language="en", sourcelanguage="zh_CN")
    missing = 0
    by_context: dict[str, list[tuple[str, bool]]] = {}
    for (context, source), plural in messages.items():
        by_context.setdefault(context, []).append((source, plural))
    for context in sorted(by_context):
        ctx = ET.SubElement(root, "context")
        ET.SubElement(ctx, "name").text = context
        for source, plural in by_context[context]:
            message = ET.SubElement(ctx, "message")
            if plural:
                message.set("numerus", "yes")
            ET.SubElement(message, "source").text = source
            forms = translations.get((context, source))
            translation = ET.SubElement(message, "translation")
            if not forms:
                translation.set("type", "unfinished")
                missing += 1
            elif plural:
                for form in (forms * 2)[:2]:  # English: singular, plural
                    ET.SubElement(translation, "numerusform").text = form
            else:
                translation.text = forms[0]
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ET.tostring(root, encoding="unicode")
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", "utf-8"
    )
    return missing


def main(argv: list[str] | None = None) -> int:
    """Extract, merge, write and compile; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merge", type=Path, help="JSON file of translations to add")
    args = parser.parse_args(argv)
    messages: dict[Key, bool] = {}
    for path in sorted(UI.rglob("*.py")):
        for key, plural in extract(path):
            messages[key] = messages.get(key, False) or plural
    translations = load_existing(TS)
    if args.merge:
        extra = json.loads(args.merge.read_text(encoding="utf-8"))
        for (context, source), _plural in messages.items():
            value = extra.get(f"{context}|{source}", extra.get(source))
            if value:
                translations[(context, source)] = value if isinstance(value, list) else [value]
    missing = write_ts(TS, messages, translations)
    lrelease = shutil.which("pyside6-lrelease") or str(
        Path(sys.executable).parent / "pyside6-lrelease"
    )
    subprocess.run([lrelease, str(TS), "-qm", str(TS.with_suffix(".qm"))], check=True)
    print(f"{len(messages)} messages, {missing} without English")
    return 0


if __name__ == "__main__":
    sys.exit(main())
