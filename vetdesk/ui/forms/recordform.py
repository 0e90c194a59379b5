"""The form that adds or edits one record, validating as the person types.

The form is built from the field specs of :mod:`vetdesk.services.records` and knows no
rules itself: every keystroke (after a short pause) turns the input into a draft through
the ``drafter`` it was given, and shows the draft's problems under the fields, in the
words of the period check. 确定 stays disabled while there are errors; warnings may stand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from vetdesk.i18n import _, pgettext
from vetdesk.services.records import BOOL, CHOICE, INT, WAN_YUAN, Draft, FieldSpec, Problem

# Pause after the last keystroke before validating: long enough not to flicker while a
# 身份证号 is typed, short enough to feel immediate.
VALIDATE_DELAY_MS = 150

Drafter = Callable[[Mapping[str, object], str | None], Draft[Any]]


class FormExtra(QWidget):
    """A form field beyond one line of text: it says when it changed and what it holds."""

    changed = Signal()

    def value(self) -> object:
        """The raw input, handed to the drafter under the field's name."""
        raise NotImplementedError


_ERROR_STYLE = "color: #b3261e;"
_WARNING_STYLE = "color: #8a5300;"
_INVALID_FIELD = "border: 1px solid #b3261e;"


class RecordForm(QDialog):
    """A dialog with one input per field, a message under each, and 确定/取消."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        specs: Sequence[FieldSpec],
        values: Mapping[str, object],
        drafter: Drafter,
        schools: Sequence[tuple[str, str]] | None = None,
        school_code: str | None = None,
        extras: Mapping[str, tuple[str, FormExtra]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("RecordForm")
        self._specs = list(specs)
        self._drafter = drafter
        self._editors: dict[str, QLineEdit | QComboBox] = {}
        self._messages: dict[str, QLabel] = {}
        # Fields the user has changed: an empty field nobody has touched yet keeps quiet
        # (a new record would otherwise open as a wall of 必填 errors, and each one
        # vanishing as it is filled would move the fields below under the mouse).
        self._touched: set[str] = set()
        self._required = {spec.name: spec.required for spec in self._specs}
        self.draft: Draft[Any] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate_now)

        outer = QVBoxLayout(self)
        self._summary = QLabel()
        self._summary.setWordWrap(True)
        self._summary.setObjectName("summary")
        outer.addWidget(self._summary)

        body = QWidget()
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._school: QComboBox | None = None
        if schools is not None:
            self._school = QComboBox()
            self._school.setObjectName("school")
            for code, name in schools:
                self._school.addItem(f"{name}（{code}）", code)
            if school_code is not None:
                self._school.setCurrentIndex(max(0, self._school.findData(school_code)))
            self._school.currentIndexChanged.connect(self._schedule)
            form.addRow(pgettext("RecordForm", "学校") + " *", self._school)
        for spec in self._specs:
            editor = self._make_editor(spec, values.get(spec.name))
            self._editors[spec.name] = editor
            if isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(partial(self._touch, spec.name))
            else:
                editor.textChanged.connect(partial(self._touch, spec.name))
            label = QLabel(spec.label + (" *" if spec.required else ""))
            label.setBuddy(editor)
            form.addRow(label, self._with_message(spec.name, editor))
        # Fields beyond one line of text, e.g. the teacher's enterprise-practice table.
        self._extras: dict[str, FormExtra] = {}
        for name, (label_text, widget) in (extras or {}).items():
            self._extras[name] = widget
            widget.changed.connect(self._schedule)
            form.addRow(QLabel(label_text), self._with_message(name, widget))
        for spec in self._specs:
            source = self._editors.get(spec.depends_on) if spec.depends_on else None
            if isinstance(source, QComboBox) and spec.allowed is not None:
                source.currentIndexChanged.connect(partial(self._narrow, spec))
                self._narrow(spec)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll, 1)

        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._buttons.accepted.connect(self._accept_if_valid)
        self._buttons.rejected.connect(self.reject)
        outer.addWidget(self._buttons)

        self.resize(560, 620)
        self.validate_now()
        first = self._school if self._school is not None else next(iter(self._editors.values()))
        first.setFocus()

    # --- editors --------------------------------------------------------------------------------

    def _with_message(self, name: str, editor: QWidget) -> QWidget:
        """An input with the line under it where its problems are shown."""
        message = QLabel()
        message.setWordWrap(True)
        message.setVisible(False)
        message.setObjectName(f"message_{name}")
        self._messages[name] = message
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
        column.addWidget(message)
        return holder

    def _make_editor(self, spec: FieldSpec, value: object) -> QLineEdit | QComboBox:
        if spec.kind == BOOL:
            box = QComboBox()
            box.addItem(_("（未填）"), None)
            box.addItem(_("有"), True)
            box.addItem(pgettext("RecordForm", "无"), False)
            box.setCurrentIndex({None: 0, True: 1, False: 2}.get(value, 0))  # type: ignore[call-overload]
            box.currentIndexChanged.connect(self._schedule)
            box.setObjectName(spec.name)
            return box
        if spec.kind == CHOICE and spec.choices is not None:
            box = QComboBox()
            if not spec.required:
                box.addItem("", "")
            for code, label in spec.choices():
                box.addItem(label, code)
            index = box.findData(value) if value is not None else -1
            box.setCurrentIndex(index if index >= 0 else (0 if not spec.required else -1))
            box.currentIndexChanged.connect(self._schedule)
            box.setObjectName(spec.name)
            return box
        edit = QLineEdit("" if value is None else str(value))
        edit.setPlaceholderText(spec.hint_text)
        edit.setClearButtonEnabled(True)
        if spec.kind in (INT, WAN_YUAN):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.textChanged.connect(self._schedule)
        edit.setObjectName(spec.name)
        return edit

    def editor(self, name: str) -> QLineEdit | QComboBox:
        """The input widget of a field (tests type into it)."""
        return self._editors[name]

    def message(self, name: str) -> str:
        """The message shown under a field ("" if none)."""
        label = self._messages[name]
        return "" if label.isHidden() else label.text()

    def summary(self) -> str:
        """The record-level messages shown above the fields."""
        return self._summary.text()

    def school_code(self) -> str | None:
        """The school chosen at the top of the form (teacher and training forms)."""
        return None if self._school is None else self._school.currentData()

    def values(self) -> dict[str, object]:
        """The raw input of every field."""
        raw: dict[str, object] = {}
        for name, editor in self._editors.items():
            raw[name] = editor.currentData() if isinstance(editor, QComboBox) else editor.text()
        for name, extra in self._extras.items():
            raw[name] = extra.value()
        return raw

    def extra(self, name: str) -> FormExtra:
        """A field beyond one line of text (tests fill it)."""
        return self._extras[name]

    def ok_button(self) -> QPushButton:
        """The 确定 button."""
        button = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def ok_enabled(self) -> bool:
        """Whether 确定 can be pressed."""
        return self.ok_button().isEnabled()

    # --- validation -----------------------------------------------------------------------------

    def _schedule(self) -> None:
        self._timer.start()

    def _narrow(self, spec: FieldSpec, *_args: object) -> None:
        """Offer only the choices the field it depends on allows (办学层次 → 标准类别)."""
        box = self._editors[spec.name]
        source = self._editors[spec.depends_on]
        if not isinstance(box, QComboBox) or spec.choices is None or spec.allowed is None:
            return
        allowed = spec.allowed(source.currentData() if isinstance(source, QComboBox) else None)
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        if not spec.required:
            box.addItem("", "")
        for code, label in spec.choices():
            if allowed is None or code in allowed:
                box.addItem(label, code)
        index = box.findData(current) if current is not None else -1
        if index < 0 and box.count() == 1 and spec.required:
            index = 0  # the only possible choice
        box.setCurrentIndex(index)
        box.blockSignals(False)
        self._schedule()

    def _touch(self, name: str, *_args: object) -> None:
        self._touched.add(name)

    def _quiet(self, name: str) -> bool:
        """Whether a required field is still empty and untouched (its 必填 error waits)."""
        if name in self._touched or not self._required.get(name, False):
            return False
        editor = self._editors[name]
        if isinstance(editor, QComboBox):
            return editor.currentData() in (None, "")
        return not editor.text().strip()

    def validate_now(self) -> Draft[Any]:
        """Validate the current input at once and show the result."""
        self._timer.stop()
        draft = self._drafter(self.values(), self.school_code())
        self.draft = draft
        by_field: dict[str, list[Problem]] = {}
        general: list[Problem] = []
        for problem in draft.problems:
            if problem.field in self._messages:
                by_field.setdefault(problem.field, []).append(problem)
            else:
                general.append(problem)
        waiting: list[str] = []
        for name, label in self._messages.items():
            problems = by_field.get(name, [])
            if problems and self._quiet(name):
                if any(p.is_error for p in problems):
                    waiting.append(name)
                problems = []
            editor = self._editors.get(name)
            has_error = any(p.is_error for p in problems)
            if editor is not None:
                editor.setStyleSheet(_INVALID_FIELD if has_error else "")
            label.setVisible(bool(problems))
            label.setText("\n".join(self._line(p) for p in problems))
            label.setStyleSheet(_ERROR_STYLE if has_error else _WARNING_STYLE)
        lines = [self._line(p) for p in general]
        if waiting:
            labels = {spec.name: spec.label for spec in self._specs}
            lines.append(
                _("还需填写：{fields}").format(fields="、".join(labels[name] for name in waiting))
            )
        self._summary.setVisible(bool(lines))
        self._summary.setText("\n".join(lines))
        self._summary.setStyleSheet(
            _ERROR_STYLE if any(p.is_error for p in general) else _WARNING_STYLE
        )
        button = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        if button is not None:
            button.setEnabled(draft.ok)
        return draft

    def _line(self, problem: Problem) -> str:
        prefix = _("错误：") if problem.is_error else _("提醒：")
        return prefix + problem.message

    def _accept_if_valid(self) -> None:
        if self.validate_now().ok:
            self.accept()
