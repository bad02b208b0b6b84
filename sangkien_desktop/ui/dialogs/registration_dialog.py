"""The form to add or edit one registration: the columns of the TỔNG HỢP ĐĂNG KÝ table, checked as you
type (errors block saving, warnings do not), and the closest initiatives already registered or
recognized in any year shown under the title."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain import registration_form as form
from ...domain.errors import Issue
from ...domain.text import fold_key
from ...services import duplicates
from ...services import registrations as service
from ...services import registrations_actions as actions
from ...services.registrations import RegistrationData, UnitRef
from .. import colours, messages
from ..context import AppContext
from ..operations import Op
from ..screen_fit import fit as fit_to_screen
from ..widgets.folding_completer import FoldingCompleter

MIN_YEAR, MAX_YEAR = 2000, 2100


class _EnterMovesOn(QObject):
    """Enter in a one-line field moves to the next field instead of closing the dialog."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and isinstance(watched, QWidget)
        ):
            watched.focusNextChild()
            return True
        return False


def _text_box(lines: int = 2) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    metrics = box.fontMetrics()
    box.setFixedHeight(metrics.lineSpacing() * lines + 12)
    return box


class RegistrationDialog(QDialog):
    """``RegistrationDialog(db, units, data=None, registration_id=None)``; after ``exec()`` accepted,
    ``data()`` holds what to save (the caller saves it, so the change can go on the undo stack)."""

    def __init__(
        self,
        db: Database,
        units: list[UnitRef],
        data: RegistrationData | None = None,
        registration_id: int | None = None,
        year: int | None = None,
        parent: QWidget | None = None,
        ctx: AppContext | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.ctx = ctx  # a unit added from the form goes on its undo stack
        self.units = units
        self.registration_id = registration_id
        self.setWindowTitle("Sửa đăng ký" if registration_id else "Thêm đăng ký sáng kiến")
        fit_to_screen(self, 760, 680)
        self._enter = _EnterMovesOn(self)

        self.year = QSpinBox()
        self.year.setRange(MIN_YEAR, MAX_YEAR)
        self.year.setValue(data.year if data else (year or dt.date.today().year))
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for u in units:
            self.unit.addItem(u.name, u.id)
        completer = FoldingCompleter([u.name for u in units], self)  # "nguyen du" finds "Nguyễn Du"
        self.unit.setCompleter(completer)
        self.unit.setCurrentIndex(-1)
        self.seq = QSpinBox()
        self.seq.setRange(0, 9999)
        self.seq.setSpecialValueText("tự đánh số")
        self.registered_on = QDateEdit()
        self.registered_on.setDisplayFormat("dd/MM/yyyy")
        self.registered_on.setCalendarPopup(True)
        self.title = _text_box(2)
        self.authors = QLineEdit()
        self.authors.setPlaceholderText("Họ tên, cách nhau bằng dấu phẩy: Nguyễn Văn A, Trần Thị B")
        self.department = QLineEdit()
        self.department.setPlaceholderText("Tổ, phòng, bộ phận (mỗi tác giả một dòng nếu khác nhau: dùng ;)")
        self.applied_unit = QLineEdit()
        self.applied_unit.setPlaceholderText("Để trống nếu là chính đơn vị đăng ký")
        self.problem = _text_box(2)
        self.content = _text_box(3)
        self.effect = _text_box(2)
        self.scope = _text_box(1)
        for w in (self.authors, self.department, self.applied_unit):
            w.installEventFilter(self._enter)
        self.unit.lineEdit().installEventFilter(self._enter)

        layout = QFormLayout()
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addRow("Nă&m:", self.year)
        layout.addRow("Đơn &vị đăng ký:", self.unit)
        layout.addRow("&Số TT trong bảng:", self.seq)
        layout.addRow("Ngày đăng &ký:", self.registered_on)
        layout.addRow("Tê&n sáng kiến:", self.title)
        layout.addRow("&Tác giả/nhóm tác giả:", self.authors)
        layout.addRow("&Bộ phận công tác:", self.department)
        layout.addRow("Đơn vị áp &dụng:", self.applied_unit)
        layout.addRow("Tồn tạ&i:", self.problem)
        layout.addRow("Nội dung thực &hiện:", self.content)
        layout.addRow("Hiệu &quả:", self.effect)
        layout.addRow("&Phạm vi ảnh hưởng:", self.scope)

        self.issues_label = QLabel()
        self.issues_label.setObjectName("issues")
        self.issues_label.setWordWrap(True)
        self.issues_label.setTextFormat(Qt.TextFormat.RichText)
        self.duplicates_label = QLabel()
        self.duplicates_label.setObjectName("duplicates")
        self.duplicates_label.setWordWrap(True)
        self.duplicates_label.setTextFormat(Qt.TextFormat.RichText)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Lưu (Ctrl+Enter)")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.try_accept)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.try_accept)

        main = QVBoxLayout(self)
        main.addLayout(layout)
        main.addWidget(self.issues_label)
        main.addWidget(self.duplicates_label)
        main.addStretch(1)
        main.addWidget(self.buttons)

        if data is not None:
            self._fill(data)
        else:
            self.registered_on.setDate(QDate.currentDate())

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(350)
        self._check_timer.timeout.connect(self.check)
        for signal in (
            self.year.valueChanged,
            self.unit.currentTextChanged,
            self.registered_on.dateChanged,
            self.title.textChanged,
            self.authors.textChanged,
            self.department.textChanged,
            self.content.textChanged,
        ):
            signal.connect(self._check_timer.start)
        self.issues: list[Issue] = []
        self.matches: list[duplicates.DuplicateMatch] = []
        self.check()
        self.unit.setFocus() if data is None else self.title.setFocus()

    # values -----------------------------------------------------------------------------------------
    def _fill(self, data: RegistrationData) -> None:
        index = self.unit.findData(data.unit_id)
        self.unit.setCurrentIndex(index)
        self.seq.setValue(data.seq or 0)
        if data.registered_on:
            self.registered_on.setDate(
                QDate(data.registered_on.year, data.registered_on.month, data.registered_on.day)
            )
        self.title.setPlainText(data.title)
        self.authors.setText(data.authors_text)
        self.department.setText(data.department.replace("\n", "; "))
        self.applied_unit.setText(data.applied_unit)
        self.problem.setPlainText(data.problem)
        self.content.setPlainText(data.content)
        self.effect.setPlainText(data.effect)
        self.scope.setPlainText(data.scope)

    def unit_id(self) -> int | None:
        text = fold_key(self.unit.currentText())
        if not text:
            return None
        index = self.unit.currentIndex()
        if index >= 0 and fold_key(self.unit.itemText(index)) == text:
            return int(self.unit.itemData(index))
        for u in self.units:
            if u.name and fold_key(u.name) == text:
                return u.id
        return None

    def data(self, unit_id: int | None = None) -> RegistrationData:
        qd = self.registered_on.date()
        return RegistrationData(
            year=self.year.value(),
            unit_id=unit_id if unit_id is not None else (self.unit_id() or 0),
            title=self.title.toPlainText(),
            authors_text=self.authors.text(),
            applied_unit=self.applied_unit.text(),
            problem=self.problem.toPlainText(),
            content=self.content.toPlainText(),
            effect=self.effect.toPlainText(),
            scope=self.scope.toPlainText(),
            department=self.department.text().replace("; ", "\n").replace(";", "\n"),
            seq=self.seq.value() or None,
            registered_on=dt.date(qd.year(), qd.month(), qd.day()),
            source=service.MANUAL_SOURCE,
        )

    # checks -----------------------------------------------------------------------------------------
    def check(self) -> list[Issue]:
        """Validate what is typed; show errors (red) and warnings (amber), and look for duplicates."""
        unit_id = self.unit_id()
        name = self.unit.currentText().strip()
        issues: list[Issue] = []
        if unit_id is None and not name:
            issues.append(Issue("Chọn đơn vị đăng ký.", "ô Đơn vị", column=form.APPLIED_UNIT))
        elif unit_id is None:
            issues.append(
                Issue(
                    f"Đơn vị '{name}' chưa có trong danh mục: khi lưu sẽ hỏi có thêm đơn vị mới không.",
                    "ô Đơn vị",
                    "warning",
                    column=form.APPLIED_UNIT,
                )
            )
        pending = (name or "(chưa chọn đơn vị)") if unit_id is None else ""
        issues += actions.check_form(self.db, self.data(), self.registration_id, pending)
        self.issues = issues
        self._show_issues()
        self._find_duplicates()
        has_errors = any(i.is_error for i in issues)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not has_errors)
        return issues

    def _show_issues(self) -> None:
        if not self.issues:
            self.issues_label.setText(f"<span style='color:{colours.TEXT_OK}'>✓ Hợp lệ.</span>")
            return
        lines = []
        for i in self.issues:
            color = colours.TEXT_ERROR if i.is_error else colours.TEXT_WARNING
            mark = "✗" if i.is_error else "⚠"
            lines.append(f"<span style='color:{color}'>{mark} {_html(i.text())}</span>")
        self.issues_label.setText("<br>".join(lines))

    def _find_duplicates(self) -> None:
        title = self.title.toPlainText().strip()
        if len(title) < 8:
            self.matches = []
            self.duplicates_label.setText("")
            return
        self.matches = actions.similar(self.db, title, self.content.toPlainText(), self.registration_id)
        if not self.matches:
            self.duplicates_label.setText("")
            return
        rows = "".join(f"<li>{_html(m.label)}</li>" for m in self.matches)
        self.duplicates_label.setText(
            f"<b style='color:{colours.TEXT_WARNING}'>Giống sáng kiến đã có:</b><ul style='margin:0'>"
            + rows
            + "</ul>"
        )

    def try_accept(self) -> None:
        self._check_timer.stop()
        issues = self.check()
        if any(i.is_error for i in issues):
            return
        if self.unit_id() is None:
            name = self.unit.currentText().strip()
            if not messages.confirm(self, f"Đơn vị '{name}' chưa có trong danh mục. Thêm đơn vị mới này?"):
                return
            held: list[UnitRef] = []
            op = Op(
                self,
                f"Thêm đơn vị {name}",
                ctx=self.ctx,
                db=self.db,
                area="units",
                run=lambda db: actions.create_unit(db, name),
                undo=lambda db, ref: actions.delete_unit(db, ref.id),
                redo=lambda db: actions.create_unit(db, name, held[0].id),
            ).start()
            if not op.ok:
                return
            ref: UnitRef = op.result
            held.append(ref)
            self.units.append(ref)
            self.unit.addItem(ref.name, ref.id)
            self.unit.setCurrentIndex(self.unit.count() - 1)
            if any(i.is_error for i in self.check()):
                return
        self.accept()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
