"""Schema migrations with Alembic, driven from code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from vetdesk.errors import VetDeskError
from vetdesk.i18n import _

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class SchemaTooNew(VetDeskError):
    """The database was written by a newer VetDesk than this one."""

    code = "schema_too_new"


def alembic_config(engine: Engine) -> Config:
    """Build an Alembic configuration bound to an engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest schema revision this version of VetDesk knows."""
    script = ScriptDirectory.from_config(alembic_config_for_scripts())
    head = script.get_current_head()
    assert head is not None
    return head


def alembic_config_for_scripts() -> Config:
    """An Alembic configuration for reading the migration scripts only."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty file."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_not_newer(engine: Engine) -> None:
    """Refuse a database whose schema is newer than this version of VetDesk."""
    revision = current_revision(engine)
    if revision is None:
        return
    script = ScriptDirectory.from_config(alembic_config_for_scripts())
    known = {rev.revision for rev in script.walk_revisions()}
    if revision not in known:
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
    check_not_newer(engine)
    preflight(engine)
    command.upgrade(alembic_config(engine), "head")


def preflight(engine: Engine) -> None:
    """Let every pending migration refuse the data before any of them runs.

    A migration module may define ``preflight(connection)``, raising
    :class:`MigrationRefused`; running them all first means a refused upgrade leaves the
    database exactly as it was, schema included, so the version that wrote it still opens it.
    """
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
