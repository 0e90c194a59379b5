"""The entity registry: every record kind the GUI edits is declared once, and the window uses it."""

from __future__ import annotations

import pytest

from vetdesk.services.entities import CONDITION, ENTITIES, MEASURE_ENTITIES, TEACHER
from vetdesk.services.records import FORM_FIELDS
from vetdesk.ui.entityregistry import ENTITY_REGISTRY, entry


def test_every_kind_the_gui_edits_has_one_entry():
    assert set(ENTITY_REGISTRY) == {*ENTITIES, *MEASURE_ENTITIES}
    for entity, kind in ENTITY_REGISTRY.items():
        assert kind.entity == entity
        assert kind.fields == FORM_FIELDS[entity]
        adding, editing = kind.titles()
        assert adding and editing


@pytest.mark.parametrize("entity", [e for e in (*ENTITIES, *MEASURE_ENTITIES) if e != CONDITION])
def test_adding_opens_the_form_the_registry_declares(county_window, entity):
    """Title and fields of the add form come from the kind's entry."""
    form = county_window.editor.add_record(entity)
    assert form is not None
    try:
        assert form.windowTitle() == entry(entity).title(editing=False)
        for spec in entry(entity).fields:
            assert form.editor(spec.name) is not None
        if entity == TEACHER:
            assert form.extra("practices") is not None
    finally:
        form.reject()


def test_a_schools_figures_are_filled_in_not_added(county_window):
    assert not entry(CONDITION).addable
    assert county_window.editor.add_record(CONDITION) is None
    record = county_window.record_pages[CONDITION].model.item(0)
    form = county_window.editor.edit_record(CONDITION, record)
    assert form is not None
    try:
        school = county_window.school_names()[record.row.school_code]
        assert form.windowTitle() == f"{entry(CONDITION).title(editing=True)} — {school}"
    finally:
        form.reject()
