"""The city inbox screenshot comes from the city demo's real packages."""

from __future__ import annotations


def test_the_inbox_screenshot_shows_a_changed_an_unchanged_and_a_refused_package(
    window_factory, city_db, tmp_path, monkeypatch
):
    from vetdesk.ui import screenshots

    window = window_factory(city_db)
    shown = []
    original = window.inbox.model.set_items

    def record(items):  # type: ignore[no-untyped-def]
        shown.append(list(items))
        original(items)

    monkeypatch.setattr(window.inbox.model, "set_items", record)
    written = screenshots._inbox_screens(window, tmp_path, 7)
    assert [p.name for p in written] == ["07-inbox.png", "07-inbox-refused.png"]
    assert all(p.stat().st_size > 0 for p in written)
    entries = shown[0]
    assert len(entries) == 3
    changed, unchanged, stranger = entries
    assert changed.verification.ok and changed.preview is not None and changed.preview.changes
    assert unchanged.verification.ok and unchanged.preview is not None
    assert not unchanged.preview.changes
    assert not stranger.verification.ok
