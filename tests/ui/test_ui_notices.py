"""Change notices: pages refresh themselves from what an operation changed."""

from __future__ import annotations

from vetdesk.services.entities import TRAINING
from vetdesk.ui.checks import ChecksPanel
from vetdesk.ui.compliance import CompliancePage
from vetdesk.ui.pagebase import DataPage
from vetdesk.ui.recordpage import RecordPage


class _Probe(DataPage):
    """A page that counts its loads."""

    def __init__(self, window, kinds: frozenset[str]) -> None:  # type: ignore[no-untyped-def]
        super().__init__(lambda: window.db)
        self.NOTICE_KINDS = kinds
        self.loads = 0

    def load(self, db) -> None:  # type: ignore[no-untyped-def]
        self.loads += 1


def test_a_page_refreshes_after_an_edit_of_the_records_it_shows(county_window, qtbot):
    window = county_window
    concerned = _Probe(window, frozenset({TRAINING}))
    unconcerned = _Probe(window, frozenset({"teacher"}))
    window.add_page("probe_training", "培训探针", concerned)
    window.add_page("probe_teacher", "教师探针", unconcerned)
    for page_id in ("probe_training", "probe_teacher"):
        window.show_page(page_id)
    assert (concerned.loads, unconcerned.loads) == (1, 1)
    window.show_page(TRAINING)

    record = window.record_pages[TRAINING].model.item(0)
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        window.editor.delete_record(TRAINING, record)
    for page_id in ("probe_training", "probe_teacher"):
        window.show_page(page_id)

    assert concerned.loads == 2  # told that trainings changed: read again when shown
    assert unconcerned.loads == 1


def test_a_reload_reaches_every_page_with_the_read_only_state(county_window, qtbot):
    window = county_window
    probe = _Probe(window, frozenset())
    window.add_page("probe", "探针", probe)
    window.show_page("probe")
    assert probe.loads == 1 and not probe.read_only

    with qtbot.waitSignal(window.loaded, timeout=20_000):
        window.reload()

    assert probe.loads == 2  # shown: refreshed at once


def test_a_record_table_takes_its_rows_and_edits_from_the_notices(county_window, qtbot):
    # A table the window does not know: it is filled only by following the notices,
    # as the window's own tables are (the window pushes rows into no page).
    window = county_window
    table = RecordPage(TRAINING, window.settings)
    qtbot.addWidget(table)
    table.subscribe(window.notices)
    assert table.model.items() == []

    with qtbot.waitSignal(window.loaded, timeout=20_000):
        window.reload()
    shown = list(window.record_pages[TRAINING].model.items())
    assert shown and table.model.items() == shown

    record = table.model.item(0)
    with qtbot.waitSignal(window.undo_stack.applied, timeout=10_000):
        window.editor.delete_record(TRAINING, record)
    assert record not in table.model.items()
    assert len(table.model.items()) == len(shown) - 1


def test_the_checks_and_the_compliance_view_take_each_check_from_the_notices(county_window, qtbot):
    window = county_window
    checks = ChecksPanel(window.settings, lambda: window.db)
    compliance = CompliancePage(window.settings)
    for page in (checks, compliance):
        qtbot.addWidget(page)
        page.subscribe(window.notices)

    with qtbot.waitSignal(window.loaded, timeout=20_000):
        window.reload()

    assert window.report is not None and window.report.findings
    assert checks.findings() == window.report.findings
    assert compliance.schools_model.rowCount() == len(window.report.assessments) > 0
