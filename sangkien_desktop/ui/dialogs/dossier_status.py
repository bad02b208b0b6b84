"""Change a dossier's status, asking for what the new status needs: what is missing and the date asked
(Thiếu — cần bổ sung), the reason (Không hợp lệ, Rút hồ sơ), the acceptance date (Hợp lệ)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain.enums import DossierStatus
from ...domain.errors import ValidationError
from ...domain.intake_rules import TRANSITIONS
from ...services import intake, intake_actions
from ...services.intake import DossierDetail, SaveResult
from ..context import AppContext
from ..operations import Op
from ..screen_fit import fit as fit_to_screen
from .dossier_widgets import DateEdit, install_enter_moves_on


class DossierStatusDialog(QDialog):
    def __init__(
        self,
        db: Database,
        detail: DossierDetail,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
        ctx: AppContext | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.ctx = ctx  # the change goes on its undo stack when given
        self.detail = detail
        self.today = today or intake.today()
        self.result: SaveResult | None = None
        self.setObjectName("dossier_status_dialog")
        self.setWindowTitle(f"Đổi trạng thái hồ sơ {detail.code}")
        fit_to_screen(self, 620, 260)

        current = QLabel(f"Trạng thái hiện tại: <b>{detail.status.label}</b>")
        self.status = QComboBox()
        self.status.setObjectName("status")
        order = list(DossierStatus)
        for s in sorted(TRANSITIONS[detail.status] | {detail.status}, key=order.index):
            self.status.addItem(s.label, s.value)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note_label = QLabel()
        self.note_label.setBuddy(self.note)
        self.date = DateEdit(default_year=self.today.year)
        self.date.setObjectName("date")
        self.date_label = QLabel()
        self.date_label.setBuddy(self.date)
        self.hint = QLabel()
        self.hint.setWordWrap(True)

        form = QFormLayout()
        form.addRow(current)
        form.addRow("Trạng thái &mới:", self.status)
        form.addRow(self.note_label, self.note)
        form.addRow(self.date_label, self.date)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        install_enter_moves_on(self, [self.status, self.note])

        self.status.currentIndexChanged.connect(self._status_changed)
        index = self.status.findData(detail.status.value)
        next_index = (index + 1) % self.status.count() if self.status.count() > 1 else index
        self.status.setCurrentIndex(next_index)
        self._status_changed()
        self.status.setFocus()

    def choose(self, status: DossierStatus) -> None:
        self.status.setCurrentIndex(self.status.findData(status.value))

    def _status_changed(self) -> None:
        s = self.selected()
        d = self.detail
        self.note.setEnabled(True)
        self.date.setEnabled(True)
        if s is DossierStatus.INCOMPLETE:
            self.note_label.setText("Còn &thiếu gì (bắt buộc):")
            self.date_label.setText("Ngày đề nghị &bổ sung (bắt buộc):")
            if not self.note.text() and d.missing:
                self.note.setText("Còn thiếu: " + "; ".join(d.missing))
            self.date.set_date(d.supplement_requested_on or self.today)
            self.hint.setText("Ghi rõ giấy tờ còn thiếu và ngày đã đề nghị đơn vị bổ sung.")
        elif s is DossierStatus.INVALID:
            self.note_label.setText("&Lý do không hợp lệ (bắt buộc):")
            self.date_label.setText("")
            self.date.setEnabled(False)
            self.date.set_date(None)
            self.hint.setText("Lý do được ghi vào nhật ký và hiện trong sổ tiếp nhận.")
        elif s is DossierStatus.VALID:
            self.note_label.setText("&Ghi chú:")
            self.date_label.setText("Ngày chấp nhận &hồ sơ:")
            self.date.set_date(d.accepted_on or self.today)
            self.hint.setText("Hội đồng phải quyết định trong 03 tháng kể từ ngày chấp nhận hồ sơ.")
        elif s is DossierStatus.WITHDRAWN:
            self.note_label.setText("&Lý do rút hồ sơ:")
            self.date_label.setText("")
            self.date.setEnabled(False)
            self.date.set_date(None)
            self.hint.setText("Hồ sơ đã rút không được chấm điểm; nộp lại thì chuyển về «Mới tiếp nhận».")
        else:
            self.note_label.setText("&Ghi chú:")
            self.date_label.setText("")
            self.date.setEnabled(False)
            self.date.set_date(None)
            self.hint.setText("")

    def selected(self) -> DossierStatus:
        return DossierStatus(self.status.currentData())

    def save(self) -> None:
        s = self.selected()
        dossier_id = self.detail.id
        held: dict[str, Any] = {}

        def run(db: Database) -> intake_actions.Saved:
            try:
                when = self.date.date()
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc
            held.update(
                note=self.note.text(),
                requested_on=when if s is DossierStatus.INCOMPLETE else None,
                accepted_on=when if s is DossierStatus.VALID else None,
            )
            return intake_actions.change_status(db, dossier_id, s, **held)

        op = Op(
            self,
            f"Đổi trạng thái hồ sơ {self.detail.code}",
            run,
            ctx=self.ctx,
            db=self.db,
            area="dossiers",
            undo=intake_actions.put_back,  # the dossier's rows exactly as they were (redo: as after it)
        ).start()
        if op.ok:
            self.result = op.result.result
            self.accept()
