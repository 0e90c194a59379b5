"""Editing records from the window: the forms, deletes and their undoable commands.

The editor is the forms' host (:class:`vetdesk.ui.entityregistry.FormHost`): a kind's
form is checked against the tables shown, and an accepted form or a confirmed delete
becomes a command on the window's undo stack. What the commands change reaches the
tables as a change notice (:mod:`vetdesk.ui.notices`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vetdesk.i18n import _
from vetdesk.services.entities import CONDITION, MEASURE_ENTITIES, SCHOOL, TEACHER, TRAINING
from vetdesk.ui import interaction
from vetdesk.ui.commands import DeleteRecord, SaveRecord
from vetdesk.ui.window.pages import PAGE_MEASURES

if TYPE_CHECKING:
    from vetdesk.ui.entityregistry import EntityEntry

if TYPE_CHECKING:
    from vetdesk.services import measure_records, records
    from vetdesk.services.records import Record
    from vetdesk.ui.forms.recordform import RecordForm
    from vetdesk.ui.mainwindow import MainWindow
    from vetdesk.validation.findings import Finding


def _entry(entity: str) -> EntityEntry:
    """The registry's entry for a record kind."""
    # Local: the registry loads with the pages, after the first paint.
    from vetdesk.ui.entityregistry import entry as registry_entry

    return registry_entry(entity)


class RecordEditor:
    """Opens record forms and turns them into undoable saves and deletes."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.active_form: RecordForm | None = None

    def draft_context(self) -> records.DraftContext:
        """Checking context of the four core kinds, from the tables shown."""
        assert self.window.snapshot is not None and self.window.snapshot.tables is not None
        current = self.window.snapshot.tables
        from vetdesk.services import records  # Local: the services load after the first paint.

        tables = records.Tables(
            current.period,
            tuple(self.window.record_pages[SCHOOL].model.items()),
            tuple(self.window.record_pages[CONDITION].model.items()),
            tuple(self.window.record_pages[TEACHER].model.items()),
            tuple(self.window.record_pages[TRAINING].model.items()),
        )
        return records.DraftContext.build(
            self.window.snapshot.ruleset, self.window.snapshot.unit_codes, tables
        )

    def measure_context(self) -> measure_records.MeasureContext:
        """Checking context of the ten-measure kinds, from the tables shown."""
        assert self.window.snapshot is not None and self.window.snapshot.tables is not None
        # Local: the services load after the first paint.
        from vetdesk.services import measure_records

        shown = {e: self.window.record_pages[e].model.items() for e in MEASURE_ENTITIES}
        return measure_records.MeasureContext.build(self.window.snapshot.tables.period, shown)

    def active_schools(self) -> list[tuple[str, str]]:
        """The schools a new record may belong to: (code, name)."""
        return [
            (r.row.school_code, r.row.name)
            for r in self.window.record_pages[SCHOOL].model.items()
            if r.row.active
        ]

    def add_record(self, entity: str) -> RecordForm | None:
        """Open the form for a new record of an entity."""
        if entity == SCHOOL and self.window.needs_period_first():
            self.window.dialogs.create_period(self._add_school)
            return None
        if not self.window.can_edit(entity) or not _entry(entity).addable:
            return None
        page = self.window.record_pages[entity]
        school = page.school_filter.currentData()
        return self._open_form(entity, None, school)

    def _add_school(self) -> None:
        self.add_record(SCHOOL)

    def edit_record(self, entity: str, record: Record[Any]) -> RecordForm | None:
        """Open the form editing a record."""
        if not self.window.can_edit(entity):
            return None
        return self._open_form(entity, record, getattr(record.row, "school_code", None))

    def _open_form(self, entity: str, record: Record[Any] | None, school: str | None) -> RecordForm:
        # Local: the form's module (and its widgets) load with the first form.
        from vetdesk.ui.forms.recordform import RecordForm

        kind = _entry(entity)
        setup = kind.form(self, record.row if record is not None else None)
        title = kind.title(editing=record is not None)
        form = RecordForm(
            self.window,
            title=f"{title} — {setup.subtitle}" if setup.subtitle else title,
            specs=kind.fields,
            values=setup.values,
            drafter=setup.drafter,
            schools=setup.schools,
            school_code=school,
            extras=setup.extras,
        )
        return self._run_form(entity, record, form)

    def school_row(self, code: str) -> Any:
        """The registry row of a school shown."""
        return next(
            r.row
            for r in self.window.record_pages[SCHOOL].model.items()
            if r.row.school_code == code
        )

    def new_school_county(self) -> str | None:
        """A county's new school is in the county; the city chooses."""
        return self.window.info.unit_code if not self.window.info.is_city else None

    def _run_form(self, entity: str, record: Record[Any] | None, form: RecordForm) -> RecordForm:
        """Open a record form; its accepted draft becomes an undoable save."""
        self.active_form = form

        def accepted() -> None:
            draft = form.draft
            if draft is not None and draft.row is not None and self.window.year is not None:
                self.window.undo_stack.push(SaveRecord(entity, self.window.year, record, draft.row))

        form.accepted.connect(accepted)
        form.finished.connect(lambda _result: setattr(self, "active_form", None))
        form.open()
        return form

    def delete_record(self, entity: str, record: Record[Any]) -> None:
        """Delete (or, for conditions, clear) a record after confirmation."""
        if not self.window.can_edit(entity) or self.window.year is None:
            return
        if entity == CONDITION and record.id == 0:
            return
        label = (
            getattr(record.row, "name", "")
            or getattr(record.row, "certificate", "")
            or self.window.school_names().get(record.row.school_code, "")
        )
        question = _entry(entity).delete_question().format(name=label)
        if interaction.confirm(self.window, _("确认"), question):
            self.window.undo_stack.push(DeleteRecord(entity, self.window.year, record))

    def add_current(self) -> None:
        """Open the form for a new record of the kind shown."""
        entity = self.current_addable_entity()
        if entity is not None:
            self.add_record(entity)

    def paste_current(self) -> None:
        """Paste rows copied from Excel/WPS into the table shown."""
        entity = self.current_record_entity()
        if entity is not None:
            self.window.dialogs.paste_rows(entity)

    def show_first_steps(self, tables: records.Tables | None) -> None:
        """Empty pages of a fresh database say what comes first and offer it as a button."""
        writable = not self.window.read_only and not self.window.is_city_database()
        for page in self.window.record_pages.values():
            if tables is None:
                page.set_empty_state(
                    _("还没有统计期。先新建本年度的统计期，再登记学校、填报数据。"),
                    _("新建统计期…") if writable else "",
                    self.window.dialogs.new_period,
                )
            elif not tables.schools and not self.window.is_city_database():
                page.set_empty_state(
                    _(
                        "学校名录为空。请新增本县区的学校，或导入市局的任务包（交换 → 导入任务包）。"
                    ),
                    _("新增学校…") if writable else "",
                    self._add_school,
                )
            else:
                page.clear_empty_state()

    def current_record_entity(self) -> str | None:
        """The record kind whose table is shown (None: no record table)."""
        page_id = self.window.current_page_id()
        if not self.window.pages.is_built(
            page_id
        ):  # not built yet: the shell before its first paint
            return None
        if page_id == PAGE_MEASURES:
            return self.window.measures_page.current_entity()
        return page_id if page_id in self.window.record_pages else None

    def current_addable_entity(self) -> str | None:
        """The record kind shown, if records of it are added (not only filled in)."""
        entity = self.current_record_entity()
        return entity if entity is not None and _entry(entity).addable else None

    def focus_search(self) -> None:
        """Put the cursor in the search box of the table shown."""
        page = self.window.record_pages.get(self.window.current_page_id())
        if page is not None:
            page.search.setFocus()
            page.search.selectAll()

    def jump_to(self, finding: Finding) -> bool:
        """Show the record and field a finding is about."""
        entity = finding.entity if finding.entity in self.window.record_pages else SCHOOL
        page = self.window.record_pages[entity]
        if entity in MEASURE_ENTITIES:
            self.window.show_page(PAGE_MEASURES)
            self.window.measures_page.show_kind(entity)
        else:
            self.window.show_page(entity)
        found = page.select_key(finding.record_key, finding.field)
        if not found and entity != SCHOOL:
            self.window.show_page(SCHOOL)
            found = self.window.record_pages[SCHOOL].select_key(f"school:{finding.school_code}")
        return found
