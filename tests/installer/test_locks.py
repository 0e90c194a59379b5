"""The hashed locks in requirements/ agree with pyproject.toml, and every import is declared."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ROOT / "requirements"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
# Which pyproject.toml lists each lock must satisfy.
LOCK_INPUTS = {
    "runtime.txt": ("dependencies",),
    "test.txt": ("dependencies", "test"),
    "build.txt": ("dependencies", "build"),
}


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    hashes: int
    direct: bool  # named in pyproject.toml rather than pulled in by another package


def parse_lock(text: str) -> dict[str, Pin]:
    """The pins of a uv/pip-tools lock: name==version, its --hash options and its # via."""
    pins: dict[str, Pin] = {}
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    for block in blocks:
        if block.startswith("#") or not block.strip():
            continue
        head = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", block)
        assert head, f"not a pinned requirement: {block.splitlines()[0]!r}"
        name = canonicalize_name(head.group(1))
        assert name not in pins, f"{name} pinned twice"
        pins[name] = Pin(
            name,
            head.group(2),
            block.count("--hash=sha256:"),
            "vetdesk (pyproject.toml)" in block,
        )
    return pins


def declared(*lists: str) -> list[Requirement]:
    """The requirements of pyproject.toml's dependencies and optional-dependency lists."""
    project = PYPROJECT["project"]
    found = []
    for name in lists:
        values = (
            project["dependencies"]
            if name == "dependencies"
            else project["optional-dependencies"][name]
        )
        found += [Requirement(value) for value in values]
    return found


def load(lock: str) -> dict[str, Pin]:
    path = LOCKS / lock
    assert path.is_file(), f"{path} is missing"
    return parse_lock(path.read_text("utf-8"))


@pytest.mark.parametrize("lock", sorted(LOCK_INPUTS))
def test_every_pin_has_hashes(lock: str) -> None:
    pins = load(lock)
    assert pins
    assert [name for name, pin in pins.items() if pin.hashes == 0] == []


@pytest.mark.parametrize("lock", sorted(LOCK_INPUTS))
def test_lock_satisfies_pyproject(lock: str) -> None:
    pins = load(lock)
    wanted = declared(*LOCK_INPUTS[lock])
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} of pyproject.toml is not pinned in {lock}"
        assert requirement.specifier.contains(pins[name].version, prereleases=True), (
            f"{lock} pins {name}=={pins[name].version}, pyproject.toml asks for {requirement}"
        )
    # The other way round: a package the lock holds as direct must still be declared.
    direct = {name for name, pin in pins.items() if pin.direct}
    assert direct == {canonicalize_name(r.name) for r in wanted}, (
        f"{lock} is out of date with pyproject.toml: run python3 scripts/update_locks.py"
    )


def test_build_backend_is_locked() -> None:
    # Builds run without isolation (scripts/dev.py, the wheel), from the build lock.
    pins = load("build.txt")
    for text in PYPROJECT["build-system"]["requires"]:
        requirement = Requirement(text)
        pin = pins[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(pin.version), (requirement, pin)


def test_shared_packages_have_one_version() -> None:
    versions: dict[str, set[str]] = {}
    for lock in LOCK_INPUTS:
        for name, pin in load(lock).items():
            versions.setdefault(name, set()).add(pin.version)
    assert {name: v for name, v in versions.items() if len(v) > 1} == {}


def test_lock_tool_is_pinned_with_hashes() -> None:
    [uv] = load("tools.txt").values()
    assert uv.name == "uv" and uv.hashes > 0


def test_parse_lock_sees_a_disagreement() -> None:
    # The checks above can fail: a lock missing a hash, or pinning another version.
    text = "# header\nfoo==1.0 \\\n    --hash=sha256:ab\n    # via vetdesk (pyproject.toml)\nbar==2.0\n"
    pins = parse_lock(text)
    assert pins["foo"] == Pin("foo", "1.0", 1, True)
    assert pins["bar"] == Pin("bar", "2.0", 0, False)
    assert not Requirement("foo>=1.1").specifier.contains(pins["foo"].version)


def _imported_top_levels(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"vetdesk", "__future__"}


def _undeclared(folder: Path, lists: tuple[str, ...], local: set[str]) -> set[str]:
    distributions = importlib.metadata.packages_distributions()
    wanted = {canonicalize_name(r.name) for r in declared(*lists)}
    missing = set()
    for module in _imported_top_levels(folder) - local:
        owners = {canonicalize_name(d) for d in distributions.get(module, [])}
        if not owners & wanted:
            missing.add(module)
    return missing


def test_every_package_vetdesk_imports_is_a_declared_runtime_dependency() -> None:
    # fontTools was imported by the PDF report and declared nowhere.
    assert _undeclared(ROOT / "vetdesk", ("dependencies",), set()) == set()


def test_every_package_scripts_and_tests_import_is_declared() -> None:
    # Modules of the tests' and scripts' own folders are imported by name, not installed.
    local = (
        {"tests"}
        | {p.stem for p in (ROOT / "tests").rglob("*.py")}
        | {p.stem for p in (ROOT / "scripts").rglob("*.py")}
    )
    local |= {"atheris"}  # the optional fuzzer of tests/reliability/fuzz_atheris.py (not locked)
    lists = ("dependencies", "test", "build")
    assert _undeclared(ROOT / "tests", lists, local) == set()
    assert _undeclared(ROOT / "scripts", lists, local) == set()
