"""Write install-manifest.txt: the program files the VetDesk uninstaller may delete."""

from __future__ import annotations

import argparse
from pathlib import Path, PurePosixPath

MANIFEST_NAME = "install-manifest.txt"
# Written by the installer itself, not part of the payload.
NOT_LISTED = {MANIFEST_NAME, "uninstall.exe"}


def manifest_lines(payload: Path) -> list[str]:
    """Return the manifest lines: every file ("F path"), then every folder deepest first ("D path")."""
    files: list[str] = []
    folders: list[PurePosixPath] = []
    for path in sorted(payload.rglob("*")):
        relative = PurePosixPath(path.relative_to(payload).as_posix())
        if path.is_dir() and not path.is_symlink():
            folders.append(relative)
        elif str(relative) not in NOT_LISTED:
            files.append("F " + str(relative).replace("/", "\\"))
    folders.sort(key=lambda folder: (-len(folder.parts), str(folder)))
    return files + ["D " + str(folder).replace("/", "\\") for folder in folders]


def write_manifest(payload: Path) -> Path:
    """Write ``payload/install-manifest.txt`` (UTF-16LE, CRLF, no BOM: NSIS FileReadUTF16LE)."""
    if not payload.is_dir():
        raise SystemExit(f"{payload} is not a folder")
    lines = manifest_lines(payload)
    target = payload / MANIFEST_NAME
    target.write_bytes("".join(line + "\r\n" for line in lines).encode("utf-16-le"))
    return target


def main(argv: list[str] | None = None) -> int:
    """Write the manifest into the given PyInstaller one-folder output."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("payload", type=Path, help="the one-folder build, e.g. dist/vetdesk")
    args = parser.parse_args(argv)
    target = write_manifest(args.payload)
    count = sum(1 for line in manifest_lines(args.payload) if line.startswith("F "))
    print(f"wrote {target} ({count} files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
