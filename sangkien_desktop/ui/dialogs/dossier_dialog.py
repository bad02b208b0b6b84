"""The intake dialog: receive a paper dossier with the keyboard alone, or edit one.

Tab order follows the đơn: số tiếp nhận, ngày nhận, đăng ký (searched as you type), đơn vị, tên sáng kiến,
loại giải pháp, lĩnh vực, ngày áp dụng lần đầu, người nộp, điện thoại, the authors grid, the checklist,
ghi chú. Enter moves to the next field; Ctrl+Enter (or Ctrl+S) saves; Ctrl+P saves and prints the receipt.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain.defaults import SOLUTION_FIELDS
from ...domain.enums import SolutionKind
from ...domain.errors import Issue, SangKienError, ValidationError
from ...domain.intake_rules import MAX_RECEIPT_NO
from ...domain.text import fold, fold_key
from ...models import dossier_code
from ...services import intake, intake_actions
from ...services.intake import (
    DossierDetail,
    DossierInput,
    IntakeContext,
    RegistrationHit,
    SaveResult,
    UnitChoice,
)
from .. import colours, messages, unexpected_errors
from ..context import AppContext
from ..operations import Op, read
from ..screen_fit import fit as fit_to_screen
from ..widgets.folding_completer import FoldingCompleter
from .dossier_tables import AUTHOR_COLUMNS, AuthorsTable, ChecklistTable
from .dossier_widgets import DateEdit, SearchEdit, install_enter_moves_on

_FLAG = f"color: {colours.TEXT_ATTENTION};"
_OK = f"color: {colours.TEXT_OK_DARK};"
_BAD = f"color: {colours.TEXT_ERROR_DARK}; font-weight: bold;"


class DossierDialog(QDialog):
    """``DossierDialog(db, round_id)`` receives a new dossier; ``DossierDialog(db, round_id, detail)`` edits.

    After ``exec()`` returns Accepted: ``result`` is the service's ``SaveResult``, ``saved_input`` what was
    saved, and ``print_receipt`` tells whether the user asked to print the receipt.
    """

    def __init__(
        self,
        db: Database,
        round_id: int,
        detail: DossierDetail | None = None,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
        ctx: AppContext | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.ctx = ctx  # the save goes on its undo stack when given
        self.detail = detail
        self.today = today or intake.today()
        self.context: IntakeContext = intake.intake_context(db, detail.round_id if detail else round_id)
        self.units: list[UnitChoice] = intake.unit_choices(db)
        self.unit_id: int | None = detail.unit_id if detail else None
        self.registration_id: int | None = detail.registration_id if detail else None
        self.result: SaveResult | None = None
        self.saved_input: DossierInput | None = None
        self.print_receipt = False
        self.setObjectName("dossier_dialog")
        self.setWindowTitle(
            f"Sửa hồ sơ {detail.code}" if detail else f"Tiếp nhận hồ sơ — {self.context.label}"
        )
        fit_to_screen(self, 1020, 760)
        self._build()
        if detail is not None:
            self._load(detail)
        else:
            self._new()
        self.receipt_no.setFocus()

    # layout -----------------------------------------------------------------------------------------
    def _build(self) -> None:
        self._build_fields()
        top = self._build_top()
        authors_box = self._build_authors()
        checklist_box = self._build_checklist()
        self.note = QLineEdit()
        self.note.setObjectName("note")
        note_row = QFormLayout()
        note_row.addRow(self._label("Gh&i chú:", self.note), self.note)
        buttons, cancel = self._build_buttons()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(authors_box, 3)
        layout.addWidget(checklist_box, 2)
        layout.addLayout(note_row)
        layout.addWidget(buttons)
        self._set_tab_order(cancel)

    def _build_fields(self) -> None:
        """The dossier's own fields (the upper part of the form)."""
        year = self.context.year
        self.receipt_no = QSpinBox()
        self.receipt_no.setObjectName("receipt_no")
        self.receipt_no.setRange(1, MAX_RECEIPT_NO)
        self.receipt_no.setToolTip("Số tiếp nhận trong năm (tự động lấy số kế tiếp; sửa được nếu cần)")
        self.code_label = QLabel()
        self.code_label.setObjectName("code_label")
        self.receipt_no.valueChanged.connect(self._update_code)
        self.received_on = DateEdit(default_year=year)
        self.received_on.setObjectName("received_on")

        self.registration = SearchEdit(self._search_registrations, min_chars=2, text_of=lambda h: h.title)
        self.registration.setObjectName("registration")
        self.registration.setPlaceholderText("gõ vài chữ của tên sáng kiến, đơn vị hoặc tác giả đã đăng ký…")
        self.registration.picked.connect(self._registration_picked)
        self.registration.textEdited.connect(self._registration_edited)
        self.unlink = QToolButton()
        self.unlink.setText("Bỏ gắn")
        self.unlink.setToolTip("Bỏ liên kết với đăng ký (hồ sơ chưa đăng ký vẫn được nhận, có đánh dấu)")
        self.unlink.clicked.connect(self._unlink)
        self.unlink.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.reg_flag = QLabel()
        self.reg_flag.setObjectName("registration_flag")
        self.reg_flag.setWordWrap(True)

        self.unit = SearchEdit(self._search_units, min_chars=1, text_of=lambda u: u.name)
        self.unit.setObjectName("unit")
        self.unit.setPlaceholderText("gõ tên hoặc tên viết tắt của đơn vị…")
        self.unit.picked.connect(self._unit_picked)
        self.unit.textEdited.connect(lambda _t: self._set_unit(None))
        self.unit.editingFinished.connect(self._unit_exact)

        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title")
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        self.kind.addItem("(chưa chọn)", None)
        for k in SolutionKind:
            self.kind.addItem(k.label, k.value)
        self.field_combo = QComboBox()
        self.field_combo.setObjectName("field")
        self.field_combo.setEditable(True)
        self.field_combo.addItems(["", *SOLUTION_FIELDS])
        self.field_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # "giao duc" finds "Giáo dục"
        self.field_combo.setCompleter(FoldingCompleter(SOLUTION_FIELDS, self.field_combo))
        self.first_applied = DateEdit(default_year=year)
        self.first_applied.setObjectName("first_applied_on")
        self.first_applied.editingFinished.connect(self._update_flags)
        self.received_on.editingFinished.connect(self._update_flags)
        self.delivered_by = QLineEdit()
        self.delivered_by.setObjectName("delivered_by")
        self.delivered_phone = QLineEdit()
        self.delivered_phone.setObjectName("delivered_phone")
        self.delivered_phone.setMaxLength(50)
        self.clock_flag = QLabel()
        self.clock_flag.setObjectName("clock_flag")
        self.clock_flag.setWordWrap(True)

    def _build_top(self) -> QGridLayout:
        top = QGridLayout()
        number_row = QHBoxLayout()
        number_row.addWidget(self.receipt_no)
        number_row.addWidget(self.code_label)
        number_row.addStretch(1)
        left = QFormLayout()
        left.addRow(self._label("&Số tiếp nhận:", self.receipt_no), number_row)
        left.addRow(self._label("&Ngày nhận:", self.received_on), self.received_on)
        reg_row = QHBoxLayout()
        reg_row.addWidget(self.registration, 1)
        reg_row.addWidget(self.unlink)
        left.addRow(self._label("Đăng &ký:", self.registration), reg_row)
        left.addRow("", self.reg_flag)
        left.addRow(self._label("Đơn &vị:", self.unit), self.unit)
        left.addRow(self._label("&Tên sáng kiến:", self.title_edit), self.title_edit)
        right = QFormLayout()
        right.addRow(self._label("&Loại giải pháp:", self.kind), self.kind)
        right.addRow(self._label("Lĩnh vự&c:", self.field_combo), self.field_combo)
        right.addRow(self._label("Ngày áp &dụng lần đầu:", self.first_applied), self.first_applied)
        right.addRow(self._label("Người nộ&p:", self.delivered_by), self.delivered_by)
        right.addRow(self._label("Điện th&oại:", self.delivered_phone), self.delivered_phone)
        right.addRow("", self.clock_flag)
        top.addLayout(left, 0, 0)
        top.addLayout(right, 0, 1)
        top.setColumnStretch(0, 3)
        top.setColumnStretch(1, 2)
        return top

    def _build_authors(self) -> QGroupBox:
        self.authors = AuthorsTable(self._search_people)
        self.total_label = QLabel()
        self.total_label.setObjectName("total_label")
        self.authors.totalChanged.connect(self._total_changed)
        add_author = QPushButton("Thêm tác giả")
        add_author.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        add_author.clicked.connect(self._add_author)
        remove_author = QPushButton("Xóa dòng")
        remove_author.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        remove_author.clicked.connect(self.authors.remove_current_row)
        limit = self.context.co_author_limit
        rule = QLabel(
            f"Tối đa {limit} đồng tác giả trong cùng một đơn vị (theo quy định của đợt)."
            if limit and limit > 0
            else "Đợt này không giới hạn số đồng tác giả trong một đơn vị."
        )
        rule.setObjectName("co_author_rule")
        authors_box = QGroupBox(
            "Tác &giả (Enter: ô kế tiếp; Enter ở ô cuối: thêm tác giả; Tab ở ô cuối: rời bảng)"
        )
        authors_box.setObjectName("authors_box")
        ab = QVBoxLayout(authors_box)
        ab.addWidget(self.authors)
        under = QHBoxLayout()
        under.addWidget(self.total_label)
        under.addStretch(1)
        under.addWidget(rule)
        under.addWidget(add_author)
        under.addWidget(remove_author)
        ab.addLayout(under)
        return authors_box

    def _build_checklist(self) -> QGroupBox:
        self.checklist = ChecklistTable()
        self.checklist.changed.connect(self._update_status_preview)
        self.status_preview = QLabel()
        self.status_preview.setObjectName("status_preview")
        self.status_preview.setWordWrap(True)
        checklist_box = QGroupBox("Thành phần &hồ sơ (Dấu cách: đánh dấu đã nhận / chưa nhận)")
        cb = QVBoxLayout(checklist_box)
        cb.addWidget(self.checklist)
        cb.addWidget(self.status_preview)
        return checklist_box

    def _build_buttons(self) -> tuple[QDialogButtonBox, QPushButton]:
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Lư&u (Ctrl+Enter)", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_print_button = buttons.addButton(
            "Lưu và in giấy &biên nhận (Ctrl+P)", QDialogButtonBox.ButtonRole.ActionRole
        )
        cancel = buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        for b in (self.save_button, self.save_print_button, cancel):
            b.setAutoDefault(False)
            b.setDefault(False)
        self.save_button.clicked.connect(lambda: self.save(print_receipt=False))
        self.save_print_button.clicked.connect(lambda: self.save(print_receipt=True))
        cancel.clicked.connect(self.reject)
        for seq in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            QShortcut(QKeySequence(seq), self, lambda: self.save(print_receipt=False))
        QShortcut(QKeySequence("Ctrl+P"), self, lambda: self.save(print_receipt=True))
        return buttons, cancel

    def _set_tab_order(self, cancel: QWidget) -> None:
        order: list[QWidget] = [
            self.receipt_no,
            self.received_on,
            self.registration,
            self.unit,
            self.title_edit,
            self.kind,
            self.field_combo,
            self.first_applied,
            self.delivered_by,
            self.delivered_phone,
            self.authors,
            self.checklist,
            self.note,
            self.save_button,
            self.save_print_button,
            cancel,
        ]
        for a, b in itertools.pairwise(order):
            QWidget.setTabOrder(a, b)
        install_enter_moves_on(self, [*order[:10], self.note])

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # filling ----------------------------------------------------------------------------------------
    def _new(self) -> None:
        self.receipt_no.setValue(self.context.next_receipt_no)
        self.received_on.set_date(self.today)
        self.checklist.set_items(list(self.context.checklist))
        self.authors.set_authors([])
        self._update_code()
        self._update_flags()

    def _load(self, d: DossierDetail) -> None:
        self.receipt_no.setValue(d.receipt_no)
        self.received_on.set_date(d.received_on)
        if d.registration_id is not None:
            self.registration.setText(d.registration_title)
        self._set_unit(next((u for u in self.units if u.id == d.unit_id), None), d.unit_name)
        self.title_edit.setText(d.title)
        self.kind.setCurrentIndex(max(0, self.kind.findData(d.kind.value)) if d.kind else 0)
        self.field_combo.setCurrentText(d.field)
        self.first_applied.set_date(d.first_applied_on)
        self.delivered_by.setText(d.delivered_by)
        self.delivered_phone.setText(d.delivered_phone)
        self.authors.set_authors([a.as_input() for a in d.authors])
        self.checklist.set_items([c.as_input() for c in d.checklist])
        self.note.setText(d.note)
        self._update_code()
        self._update_flags()

    def _update_code(self) -> None:
        self.code_label.setText(
            f"Mã hồ sơ: <b>{dossier_code(self.context.year, self.receipt_no.value())}</b>"
        )

    # registration and unit --------------------------------------------------------------------------
    def _search_registrations(self, text: str) -> list[tuple[str, RegistrationHit]]:
        hits = intake.search_registrations(self.db, self.context.year, text, limit=25)
        out = []
        for h in hits:
            label = f"{h.title} — {h.unit_name}"
            if h.authors_text:
                label += f" ({h.authors_text})"
            if h.dossier_code and (self.detail is None or h.dossier_code != self.detail.code):
                label += f" [đã có hồ sơ {h.dossier_code}]"
            out.append((label, h))
        return out

    def _registration_picked(self, hit: RegistrationHit) -> None:
        self.registration_id = hit.id
        if self.unit_id is None or self.unit_id != hit.unit_id:
            self._set_unit(next((u for u in self.units if u.id == hit.unit_id), None), hit.unit_name)
        if not self.title_edit.text().strip():
            self.title_edit.setText(hit.title)
        if not self.authors.has_names():
            found = read(self, self.db, lambda db: intake.registration_authors(db, hit.id))
            if found is not None:
                self.authors.set_authors(found)
        self._update_flags()
        # move on to the first field the registration did not fill
        for widget in (self.unit, self.title_edit):
            if not widget.text().strip() or (widget is self.unit and self.unit_id is None):
                widget.setFocus()
                return
        self.kind.setFocus()

    def _registration_edited(self, text: str) -> None:
        if self.registration_id is not None:
            self.registration_id = None
        self._update_flags()

    def _unlink(self) -> None:
        self.registration_id = None
        self.registration.clear()
        self._update_flags()

    def _search_units(self, text: str) -> list[tuple[str, UnitChoice]]:
        words = fold(text).split()
        hits = [u for u in self.units if all(any(w in k for k in u.keys) for w in words)]
        phrase = " ".join(words)
        hits.sort(key=lambda u: (not any(k.startswith(phrase) for k in u.keys), u.keys[0]))
        return [(u.name, u) for u in hits[:20]]

    def _set_unit(self, unit: UnitChoice | None, name: str | None = None) -> None:
        self.unit_id = unit.id if unit else None
        if name is not None or unit is not None:
            self.unit.setText(unit.name if unit else (name or ""))
        self.unit.setStyleSheet("")

    def _unit_picked(self, unit: UnitChoice) -> None:
        self._set_unit(unit)
        self.title_edit.setFocus()

    def _unit_exact(self) -> None:
        """Leaving the field with a name typed in full (or a short name) picks that unit."""
        if self.unit_id is not None:
            return
        key = fold_key(self.unit.text())
        if not key:
            return
        exact = [u for u in self.units if key in u.keys]
        if len(exact) == 1:
            self._set_unit(exact[0])
        else:
            self.unit.setStyleSheet(f"QLineEdit {{ background: {colours.BACKGROUND_WARNING}; }}")

    def _search_people(self, text: str) -> list[intake.PersonHit]:
        return intake.search_people(self.db, text, limit=15)

    # flags ------------------------------------------------------------------------------------------
    def _update_flags(self) -> None:
        if self.registration_id is None:
            self.reg_flag.setText(
                "⚠ Chưa gắn với đăng ký: hồ sơ vẫn được nhận và được đánh dấu «chưa đăng ký»."
            )
            self.reg_flag.setStyleSheet(_FLAG)
        else:
            self.reg_flag.setText("✓ Đã gắn với đăng ký sáng kiến.")
            self.reg_flag.setStyleSheet(_OK)
        notes = []
        try:
            received = self.received_on.date()
            first = self.first_applied.date()
        except ValueError:
            received = first = None
        if received is not None:
            from ...domain import clocks

            for clock in (
                clocks.first_application_clock(first, received),
                clocks.round_deadline_clock(self.context.receive_until, received),
            ):
                if clock.needs_attention:
                    notes.append("⚠ " + clock.text)
        self.clock_flag.setText("\n".join(notes))
        self.clock_flag.setStyleSheet(_FLAG if notes else "")

    def _total_changed(self, text: str, ok: bool) -> None:
        self.total_label.setText(text)
        self.total_label.setStyleSheet(_OK if ok else _BAD)

    def _update_status_preview(self) -> None:
        missing = self.checklist.missing()
        if self.detail is not None:
            text = f"Trạng thái hiện tại: {self.detail.status.label}."
            if missing:
                text += " Còn thiếu: " + "; ".join(missing) + "."
        elif missing:
            text = "Khi lưu: «Thiếu — cần bổ sung», còn thiếu: " + "; ".join(missing) + "."
        else:
            text = "Khi lưu: «Đủ» — đã nhận đủ thành phần hồ sơ."
        self.status_preview.setText(text)
        self.status_preview.setStyleSheet(_FLAG if missing else _OK)

    def _add_author(self) -> None:
        row = self.authors.add_row()
        self.authors.setCurrentCell(row, 0)
        self.authors.setFocus()

    # saving -----------------------------------------------------------------------------------------
    def collect(self) -> DossierInput:
        """What the form says, as the service's input. Raises ValidationError for unreadable fields."""
        problems: list[Issue] = []
        received: dt.date | None = None
        first: dt.date | None = None
        try:
            received = self.received_on.date()
        except ValueError as exc:
            problems.append(Issue(str(exc), "Ngày nhận", column="received_on"))
        try:
            first = self.first_applied.date()
        except ValueError as exc:
            problems.append(Issue(str(exc), "Ngày áp dụng lần đầu", column="first_applied_on"))
        try:
            authors = self.authors.authors()
        except ValueError as exc:
            problems.append(Issue(str(exc), column="authors"))
            authors = []
        try:
            checklist = self.checklist.items()
        except ValueError as exc:
            problems.append(Issue(str(exc), column="checklist"))
            checklist = []
        if received is None and not problems:
            problems.append(Issue("chưa ghi ngày nhận hồ sơ.", "Ngày nhận", column="received_on"))
        if self.unit_id is None and self.unit.text().strip():
            problems.append(
                Issue(
                    f"không tìm thấy đơn vị «{self.unit.text().strip()}»: chọn một đơn vị trong danh sách gợi ý.",
                    "Đơn vị",
                    column="unit",
                )
            )
        if problems:
            raise ValidationError(problems, "Chưa lưu được hồ sơ")
        assert received is not None
        d = self.detail
        return DossierInput(
            round_id=self.context.round_id,
            unit_id=self.unit_id,
            title=self.title_edit.text(),
            received_on=received,
            authors=authors,
            receipt_no=self.receipt_no.value(),
            registration_id=self.registration_id,
            kind=SolutionKind(self.kind.currentData()) if self.kind.currentData() else None,
            field=self.field_combo.currentText(),
            first_applied_on=first,
            investor=d.investor if d else "",
            summary=d.summary if d else "",
            delivered_by=self.delivered_by.text(),
            delivered_phone=self.delivered_phone.text(),
            note=self.note.text(),
            result_due_on=d.result_due_on if d else None,
            checklist=checklist,
            status=d.status if d else None,
            status_note=d.status_note if d else "",
            supplement_requested_on=d.supplement_requested_on if d else None,
            accepted_on=d.accepted_on if d else None,
        )

    def save(self, *, print_receipt: bool = False) -> bool:
        """Check the form and save it through one operation (Ctrl+Z puts the dossier back as it was)."""
        held: dict[str, DossierInput] = {}

        def run(db: Database) -> intake_actions.Saved:
            held["data"] = data = self.collect()  # refused here (ValidationError) when a field is unreadable
            if self.detail is None:
                return intake_actions.receive(db, data)
            return intake_actions.update(db, self.detail.id, data)

        op = Op(
            self,
            f"Sửa hồ sơ {self.detail.code}" if self.detail is not None else "Tiếp nhận hồ sơ",
            run,
            ctx=self.ctx,
            db=self.db,
            area="dossiers",
            on_error=self._save_failed,
            **self._undo(held),
        ).start()
        if not op.ok:
            return False
        self.result = op.result.result
        self.saved_input = held["data"]
        self.print_receipt = print_receipt
        self.accept()
        return True

    def _undo(self, held: dict[str, DossierInput]) -> dict[str, Any]:
        """The undo of the save: one service call that puts the rows back exactly as they were (a new
        dossier goes, and so do the people it added); it answers the rows it overwrote, so the redo puts
        the dossier back with its id and number (``services/undo_entry``)."""
        return {"undo": intake_actions.put_back}

    def _save_failed(self, error: BaseException) -> None:
        if isinstance(error, SangKienError):
            messages.show_error(self, error)
        elif not unexpected_errors.show(error):
            messages.show_error(self, f"Lỗi: {error}")
        if isinstance(error, ValidationError):
            self._focus_issue(error.issues)

    def _focus_issue(self, issues: list[Issue]) -> None:
        targets: dict[str | None, QWidget] = {
            "receipt_no": self.receipt_no,
            "received_on": self.received_on,
            "registration": self.registration,
            "unit": self.unit,
            "title": self.title_edit,
            "kind": self.kind,
            "first_applied_on": self.first_applied,
            "contribution": self.authors,
            "name": self.authors,
            "birth_date": self.authors,
            "gender": self.authors,
            "authors": self.authors,
            "checklist": self.checklist,
        }
        for issue in issues:
            if not issue.is_error:
                continue
            widget = targets.get(issue.column)
            if widget is None and issue.where.startswith("Tác giả"):
                widget = self.authors
            if widget is not None:
                widget.setFocus()
                if widget is self.authors and issue.row:
                    col = AUTHOR_COLUMNS.get(issue.column or "", 0)
                    self.authors.setCurrentCell(min(issue.row, self.authors.rowCount()) - 1, col)
                return


def status_after_save(result: SaveResult) -> str:
    """One line for the page's status bar after saving."""
    text = f"Đã lưu hồ sơ {result.code} ({result.status.label})."
    if result.warnings:
        text += " Lưu ý: " + " ".join(w.text() for w in result.warnings)
    return text
