"""A throwaway PostgreSQL server for the tests and the engine bench.

Debian's ``postgresql`` package (installed by ``scripts/dev.py test`` as root) puts the
server binaries in ``/usr/lib/postgresql/<major>/bin``. ``initdb`` refuses to run as
root, and CI runs as root, so the cluster then belongs to ``nobody`` and every server
command runs through ``runuser``. The server listens only on a Unix socket in its own
temporary directory (no TCP port, nothing another run can collide with) and trusts local
connections: there is no password to leak. It is stopped and deleted afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "vetdesk_test"
SERVER_USER = "nobody"  # when run as root: initdb and postgres refuse root


def find_binaries() -> Path | None:
    """The newest installed server's bin folder (with initdb, pg_ctl, pg_dump), or None."""
    candidates = []
    env_dir = os.environ.get("VETDESK_PG_BIN")
    if env_dir:
        candidates.append(Path(env_dir))
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        versions = sorted(
            (p for p in root.iterdir() if p.name.isdigit()), key=lambda p: int(p.name), reverse=True
        )
        candidates.extend(p / "bin" for p in versions)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def why_unavailable() -> str | None:
    """Why no throwaway server can be started here, or None when one can."""
    if find_binaries() is None:
        return (
            "PostgreSQL server binaries not found (Debian package postgresql; "
            "`python3 scripts/dev.py test` installs it when run as root)"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: initdb cannot be run as another user"
    return None


@dataclass
class ThrowawayServer:
    """A running PostgreSQL cluster in a temporary directory, reached on its Unix socket."""

    bin_dir: Path
    folder: Path
    _counter: int = field(default=0)

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory."""
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        """The folder holding the server's Unix socket."""
        return self.folder

    def url(self, database: str) -> str:
        """A libpq URL for a database of this server (superuser, socket, no password)."""
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def create_database(self, prefix: str = "t", *, template: str | None = None) -> str:
        """Create a new database (empty, or a copy of ``template``) and return its name."""
        self._counter += 1
        name = f"{prefix}_{os.getpid()}_{self._counter}"
        copy = f' TEMPLATE "{template}"' if template else ""
        self.psql("postgres", f'CREATE DATABASE "{name}"{copy}')
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, ending any connection still open to it."""
        self.psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def psql(self, database: str, sql: str) -> str:
        """Run one SQL statement with psql and return its unaligned output."""
        result = subprocess.run(
            [
                str(self.bin_dir / "psql") if (self.bin_dir / "psql").exists() else "psql",
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-U",
                SUPERUSER,
                "-d",
                database,
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
        )
        return result.stdout.strip()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder."""
        try:
            _as_server_user(
                [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"]
            )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _as_server_user(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True)


def start_server(*, durable: bool = False) -> ThrowawayServer:
    """Initialise and start a throwaway cluster; the caller stops it.

    ``durable``: fsync and synchronous commit on, as a production server runs (the bench);
    the tests leave them off, since a throwaway cluster need not survive a power cut.
    """
    bin_dir = find_binaries()
    if bin_dir is None:
        raise RuntimeError(why_unavailable())
    # Not under pytest's per-user temp dir: that is 0700 and root's, which nobody cannot enter.
    folder = Path(tempfile.mkdtemp(prefix="vetdesk-pg-"))
    folder.chmod(0o700)
    if os.geteuid() == 0:
        shutil.chown(folder, user=SERVER_USER)
    server = ThrowawayServer(bin_dir, folder)
    try:
        _as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(server.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",  # a throwaway cluster: durability of its files does not matter
            ]
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{server.socket_dir}' "
            "-c max_connections=60"
        )
        if not durable:
            options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        _as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(server.data_dir),
                "-o",
                options,
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return server
