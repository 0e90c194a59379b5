"""Edits as command objects with ``do`` and ``undo``, and the stack that undoes them.

After git-cola's ``cmds.py``: each user edit is an object that knows how to apply and
revert itself through :mod:`vetdesk.services.records` (so every step is audited). Both
directions run in the background through :class:`~vetdesk.ui.background.DbOp` and
return a :class:`Change` the window applies to its tables in place, without a reload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from vetdesk.i18n import _
from vetdesk.services.entities import CONDITION
from vetdesk.ui.interaction import error_text, show_error

if TYPE_CHECKING:
    from vetdesk.db.database import Database
    from vetdesk.services.records import Record
    from vetdesk.ui.background import Progress

    AnyRecord: TypeAlias = Record[Any]


class Change(NamedTuple):  # not a dataclass: see vetdesk.ui.actions.Decision
    """What an edit did to one table: ``old`` replaced by ``new`` (either may be None)."""

    entity: str
    old: AnyRecord | None
    new: AnyRecord | None


def _store(
    db: Database,
    year: int,
    entity: str,
    current: AnyRecord | None,
    row: Any,
    expected: AnyRecord | None,
) -> AnyRecord:
    """Write ``row`` over ``current`` (None: as a new record); return the stored record.

    ``expected``: the record this edit started from; the write is refused (RecordChanged)
    if another operator or an import has changed it since (None: no check).
    """
    # Local: the entity registry loads with the first edit, after the window's first paint.
    from vetdesk.ui.entityregistry import entry  # Local: loads after the first paint.

    seen = expected.row if expected is not None else None
    return entry(entity).store(db, year, current, row, seen)


def _remove(db: Database, year: int, entity: str, current: AnyRecord) -> AnyRecord | None:
    """Delete a record, refused if it is no longer as shown; return what replaces it."""
    from vetdesk.ui.entityregistry import entry  # Local: loads after the first paint.

    return entry(entity).remove(db, year, current, current.row)


class Command:
    """An undoable edit; ``do``/``undo`` run in a worker thread and return the change."""

    text = ""

    def do(self, db: Database) -> Change:
        """Apply the edit."""
        raise NotImplementedError

    def undo(self, db: Database) -> Change:
        """Revert the edit."""
        raise NotImplementedError


class SaveRecord(Command):
    """Add a record (``before`` None) or overwrite one with a new row."""

    def __init__(self, entity: str, year: int, before: AnyRecord | None, row: Any) -> None:
        self.entity = entity
        self.year = year
        self.before = before
        self.row = row
        self.after: AnyRecord | None = None
        self.text = _("新增记录") if before is None or before.id == 0 else _("修改记录")

    def do(self, db: Database) -> Change:
        """Store the new row."""
        # Refused if the record is no longer the one the form was opened with (or, on redo,
        # the one undo put back): another operator's or an import's change is kept.
        self.after = _store(db, self.year, self.entity, self.before, self.row, self.before)
        return Change(self.entity, self.before, self.after)

    def undo(self, db: Database) -> Change:
        """Put the previous row back, or remove the added record."""
        assert self.after is not None
        if self.before is None:
            _remove(db, self.year, self.entity, self.after)
            return Change(self.entity, self.after, None)
        if self.entity == CONDITION and self.before.id == 0:
            shown = _remove(db, self.year, self.entity, self.after)
            return Change(self.entity, self.after, shown)
        restored = _store(db, self.year, self.entity, self.after, self.before.row, self.after)
        from dataclasses import replace  # Local: edits run after the first paint.

        # A teacher or training keeps its id when overwritten; keep the record identical.
        restored = replace(restored, id=self.before.id)
        return Change(self.entity, self.after, restored)


class DeleteRecord(Command):
    """Delete a record; undo stores it again."""

    def __init__(self, entity: str, year: int, record: AnyRecord) -> None:
        self.entity = entity
        self.year = year
        self.record = record
        self.shown: AnyRecord | None = None
        self.text = _("删除记录")

    def do(self, db: Database) -> Change:
        """Delete."""
        self.shown = _remove(db, self.year, self.entity, self.record)
        return Change(self.entity, self.record, self.shown)

    def undo(self, db: Database) -> Change:
        """Store the deleted record again (a teacher comes back with a new id)."""
        # A school's figures are cleared, not removed: refused if someone filled them in since.
        restored = _store(db, self.year, self.entity, None, self.record.row, self.shown)
        if self.entity == CONDITION:
            from dataclasses import replace  # Local: edits run after the first paint.

            restored = replace(restored, id=self.record.id)
        self.record = restored
        return Change(self.entity, self.shown, restored)


class UndoStack(QObject):
    """The edits of this session, undone and redone one at a time in the background.

    ``busy`` is true while a command runs; the window disables editing meanwhile, so
    commands never overlap (Anki blocks table updates during an operation the same way).
    """

    changed = Signal()
    applied = Signal(object)  # Change

    def __init__(self, db: Database | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db  # set by the window once its database is open
        self._parent = parent
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self.busy = False

    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return bool(self._done) and not self.busy

    def can_redo(self) -> bool:
        """Whether there is an undone edit to redo."""
        return bool(self._undone) and not self.busy

    def undo_text(self) -> str:
        """What undo would revert."""
        return self._done[-1].text if self._done else ""

    def redo_text(self) -> str:
        """What redo would apply again."""
        return self._undone[-1].text if self._undone else ""

    def clear(self) -> None:
        """Forget every edit (after switching database or period)."""
        self._done.clear()
        self._undone.clear()
        self.changed.emit()

    def push(
        self, command: Command, on_failure: Callable[[BaseException], None] | None = None
    ) -> None:
        """Run a new command; on success it becomes the one undo reverts."""

        def done(change: Change) -> None:
            self._done.append(command)
            self._undone.clear()
            self._finish(change)

        self._run(command.do, done, on_failure)

    def undo(self) -> None:
        """Revert the last edit."""
        if not self.can_undo():
            return
        command = self._done.pop()

        def done(change: Change) -> None:
            self._undone.append(command)
            self._finish(change)

        self._run(command.undo, done, None, restore=lambda: self._done.append(command))

    def redo(self) -> None:
        """Apply the last undone edit again."""
        if not self.can_redo():
            return
        command = self._undone.pop()

        def done(change: Change) -> None:
            self._done.append(command)
            self._finish(change)

        self._run(command.do, done, None, restore=lambda: self._undone.append(command))

    def _run(
        self,
        step: Callable[[Database], Change],
        done: Callable[[Change], None],
        on_failure: Callable[[BaseException], None] | None,
        restore: Callable[[], None] | None = None,
    ) -> None:
        self.busy = True
        self.changed.emit()

        def failed(exc: BaseException) -> None:
            # Local: the core loads on first use, not at start-up.
            from vetdesk.services.records import RecordChanged

            self.busy = False
            stale = restore is not None and isinstance(exc, RecordChanged)
            if stale:
                # The record changed under an undo or redo: the steps around it were made on
                # data that no longer holds, so none of them can safely run any more.
                self._done.clear()
                self._undone.clear()
                note = _("撤销与重做记录已清空，因为其中的修改所依据的数据已被更改。")
                exc = RecordChanged(f"{error_text(exc)}\n\n{note}")
            elif restore is not None:
                restore()
            self.changed.emit()
            if on_failure is not None:
                on_failure(exc)
            else:
                show_error(self._parent, exc)

        def op(db: Database, _progress: Progress) -> Change:
            return step(db)

        assert self.db is not None, "no edit before the database is open"
        from vetdesk.ui.background import DbOp  # Local: edits run after the first paint.

        DbOp(self._parent, self.db, op).success(done).failure(failed).run()

    def _finish(self, change: Change) -> None:
        self.busy = False
        self.applied.emit(change)
        self.changed.emit()
