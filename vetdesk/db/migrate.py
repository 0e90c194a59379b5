"""Schema migrations with Alembic, driven from code (no alembic.ini needed).

Alembic is imported only to migrate: opening an up-to-date database reads its revision
with one query and the known revisions from the migration scripts' own headers, so
every command that merely opens a database starts without loading Alembic.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from vetdesk.errors import VetDeskError
from vetdesk.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


class SchemaTooNew(VetDeskError):
    """The database was written by a newer VetDesk than this one."""

    code = "schema_too_new"


def alembic_config(engine: Engine) -> Config:
    """Build an Alembic configuration bound to an engine."""
    from alembic.config import Config  # Alembic loads only when a migration runs.

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


@cache
def _revision_links() -> dict[str, str | None]:
    """Each migration script's ``revision`` and its ``down_revision``, read without importing it."""
    links: dict[str, str | None] = {}
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        values: dict[str, object] = {}
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            # Alembic's own headers: `revision = "0007"` or `revision: str = "0007"`.
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                values[target.id] = ast.literal_eval(value)
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str) or not (down is None or isinstance(down, str)):
            # A merge point (a tuple of parents) or an unusual header: VetDesk keeps one line.
            raise RuntimeError(f"{script.name}: expected one revision and one down_revision")
        links[revision] = down
    return links


def known_revisions() -> frozenset[str]:
    """Every schema revision this version of VetDesk knows."""
    return frozenset(_revision_links())


def head_revision() -> str:
    """The newest schema revision this version of VetDesk knows."""
    links = _revision_links()
    heads = set(links) - {down for down in links.values() if down is not None}
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must form one line, found heads {sorted(heads)}")
    return heads.pop()


def alembic_config_for_scripts() -> Config:
    """An Alembic configuration for reading the migration scripts only."""
    from alembic.config import Config  # Alembic loads only when a migration runs.

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty file."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        # Alembic refuses such a table too; VetDesk's migrations form one line.
        raise RuntimeError(f"the database records several schema revisions: {sorted(rows)}")
    return str(rows[0]) if rows else None


def check_not_newer(engine: Engine) -> None:
    """Refuse a database whose schema is newer than this version of VetDesk."""
    revision = current_revision(engine)
    if revision is None:
        return
    if revision not in known_revisions():
        raise SchemaTooNew(
            _("数据库由更新版本的 VetDesk 创建（结构版本 {rev}），请安装最新版本后再打开。").format(
                rev=revision
            )
        )


def needs_upgrade(engine: Engine) -> bool:
    """Whether the database is behind the newest schema."""
    return current_revision(engine) != head_revision()


def upgrade(engine: Engine) -> None:
    """Upgrade the database to the newest schema (after every pending migration's pre-flight)."""
    from alembic import command  # Alembic loads only when a migration runs.

    check_not_newer(engine)
    preflight(engine)
    command.upgrade(alembic_config(engine), "head")


def preflight(engine: Engine) -> None:
    """Let every pending migration refuse the data before any of them runs.

    A migration module may define ``preflight(connection)``, raising
    :class:`MigrationRefused`; running them all first means a refused upgrade leaves the
    database exactly as it was, schema included, so the version that wrote it still opens it.
    """
    from alembic.script import ScriptDirectory  # Alembic loads only when a migration runs.

    current = current_revision(engine)
    script = ScriptDirectory.from_config(alembic_config_for_scripts())
    pending = list(script.iterate_revisions("heads", current or "base"))
    with engine.connect() as conn:
        for revision in reversed(pending):  # oldest first
            check = getattr(revision.module, "preflight", None)
            if check is not None and current is not None:
                check(conn)


class MigrationRefused(VetDeskError):
    """A migration found data it cannot carry over and changed nothing."""

    code = "migration_refused"
