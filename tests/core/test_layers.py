"""The packages of vetdesk form layers that point one way: a lower layer never imports a higher one.

0 base (vetdesk, paths, i18n, errors, fonts, domain) · 1 db · 2 rules (standards, validation)
· 3 signing and the Excel workbook package · 4 packages (county–city exchange) · 5 reports
· 6 services · 7 fronts (cli, ui, selftest, __main__). Within the rules and the signing /
workbook layers, different packages import each other only where allowed below (validation
uses standards); the base and the fronts are each one unit. Module-level and function-local
imports count alike, and so do imports under ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import vetdesk

PACKAGE_ROOT = Path(vetdesk.__file__).parent

# First component below vetdesk -> layer.
LAYERS: dict[str, int] = {
    "__init__": 0,
    "paths": 0,
    "i18n": 0,
    "errors": 0,
    "fonts": 0,
    "domain": 0,
    "db": 1,
    "standards": 2,
    "validation": 2,
    "signing": 3,
    "workbook": 3,
    "packages": 4,
    "reports": 5,
    "services": 6,
    "cli": 7,
    "ui": 7,
    "selftest": 7,
    "__main__": 7,
}

# Within the base (0) and the fronts (7) modules import each other freely: each is one unit.
OPEN_LAYERS = {0, 7}
# Other imports between different packages of the same layer that are allowed (importer, imported).
SAME_LAYER_ALLOWED = {("validation", "standards")}

RULE = "lower layers never import higher ones"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _part(module: str) -> str:
    """The package (or top-level module) of vetdesk a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imported(path: Path, module: str) -> list[tuple[str, int]]:
    """Every vetdesk module a file imports, at module level or inside functions, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target == "vetdesk":  # from vetdesk import i18n: the names are the modules
                found += [(f"vetdesk.{alias.name}", node.lineno) for alias in node.names]
            else:
                found.append((target, node.lineno))
    return [(name, line) for name, line in found if name.split(".")[0] == "vetdesk"]


def _core_files(root: Path) -> list[Path]:
    return [p for p in sorted(root.rglob("*.py")) if "migrations" not in p.parts]


def layer_violations(root: Path = PACKAGE_ROOT) -> list[str]:
    """Every import in the package at ``root`` that breaks the layering, naming the rule."""
    problems: list[str] = []
    for path in _core_files(root):
        module = _module_name(path, root)
        own = _part(module)
        for target, line in _imported(path, module):
            other = _part(target)
            # An unassigned module is reported by test_every_vetdesk_module_has_a_layer;
            # "from vetdesk import __version__" names no module.
            if own not in LAYERS or other not in LAYERS:
                continue
            low, high = LAYERS[own], LAYERS[other]
            if high > low:
                problems.append(
                    f"{module} (layer {low}) imports {target} (layer {high}) at line {line}: {RULE}"
                )
            elif (
                high == low
                and own != other
                and low not in OPEN_LAYERS
                and (own, other) not in SAME_LAYER_ALLOWED
            ):
                problems.append(
                    f"{module} (layer {low}) imports {target} (layer {high}) at line {line}: "
                    f"packages of one layer import each other only where allowed"
                )
    return problems


def test_every_vetdesk_module_has_a_layer() -> None:
    modules = {_module_name(p, PACKAGE_ROOT) for p in _core_files(PACKAGE_ROOT)}
    unassigned = sorted(m for m in modules if _part(m) not in LAYERS)
    assert unassigned == [], f"assign these modules to a layer in LAYERS: {unassigned}"


def test_lower_layers_never_import_higher_ones() -> None:
    problems = layer_violations()
    assert problems == [], "\n".join(problems)


def test_a_function_local_import_of_a_higher_layer_is_named(tmp_path: Path) -> None:
    root = tmp_path / "vetdesk"
    (root / "db").mkdir(parents=True)
    (root / "db" / "sample.py").write_text(
        "from vetdesk.domain import enums\n\n\ndef f():\n    from vetdesk.services import demo\n",
        encoding="utf-8",
    )
    (root / "standards").mkdir()
    (root / "standards" / "rules.py").write_text(
        "from ..validation import findings\n", encoding="utf-8"
    )
    assert layer_violations(root) == [
        "vetdesk.db.sample (layer 1) imports vetdesk.services (layer 6) at line 5: "
        "lower layers never import higher ones",
        "vetdesk.standards.rules (layer 2) imports vetdesk.validation (layer 2) at line 1: "
        "packages of one layer import each other only where allowed",
    ]
