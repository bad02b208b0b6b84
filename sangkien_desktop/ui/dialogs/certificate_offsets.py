"""Căn chỉnh in phôi: per-field offsets (mm) for printing certificates onto pre-printed blanks, with the
calibration page one click away."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...services.documents import certificate_layout, certificates
from ...services.documents.certificate_layout import FIELDS, MAX_OFFSET_MM, Offsets
from .. import messages
from . import pdf_preview


class CertificateOffsetsDialog(QDialog):
    """Edit the offsets; ``offsets()`` gives the values shown. Saving is left to the caller."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Căn chỉnh in lên phôi giấy chứng nhận")
        self.db = db
        current = certificate_layout.load_offsets(db)
        layout = QVBoxLayout(self)
        note = QLabel(
            "In «Trang căn chỉnh» ra giấy thường, đặt lên phôi và soi đèn. Với mỗi ô, đo xem chữ cần dịch bao "
            "nhiêu milimét: số dương dịch sang phải (ngang) hoặc xuống dưới (dọc). «Cả trang» dịch mọi ô."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Ô</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Ngang (mm)</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Dọc (mm)</b>"), 0, 2)
        self.spins: dict[str, tuple[QDoubleSpinBox, QDoubleSpinBox]] = {}
        rows = [("page", "Cả trang", current.page)] + [
            (f.key, f.label, (current.fields or {}).get(f.key, (0.0, 0.0))) for f in FIELDS
        ]
        for r, (key, label, (dx, dy)) in enumerate(rows, start=1):
            grid.addWidget(QLabel(label), r, 0)
            pair = []
            for c, value in enumerate((dx, dy), start=1):
                spin = QDoubleSpinBox()
                spin.setObjectName(f"offset_{key}_{'x' if c == 1 else 'y'}")
                spin.setRange(-MAX_OFFSET_MM, MAX_OFFSET_MM)
                spin.setDecimals(1)
                spin.setSingleStep(0.5)
                spin.setSuffix(" mm")
                spin.setValue(value)
                grid.addWidget(spin, r, c)
                pair.append(spin)
            self.spins[key] = (pair[0], pair[1])
        layout.addLayout(grid)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Hủy")
        self.calibration_button = QPushButton("Xem trang &căn chỉnh…")
        self.calibration_button.clicked.connect(self.show_calibration)
        self.reset_button = QPushButton("Đưa về &0")
        self.reset_button.clicked.connect(self.reset)
        buttons.addButton(self.calibration_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def offsets(self) -> Offsets:
        page = self.spins["page"]
        fields = {key: (a.value(), b.value()) for key, (a, b) in self.spins.items() if key != "page"}
        return Offsets((page[0].value(), page[1].value()), fields)

    def reset(self) -> None:
        for a, b in self.spins.values():
            a.setValue(0.0)
            b.setValue(0.0)

    def show_calibration(self) -> None:
        with messages.reporting_errors(self):
            pdf = certificates.calibration_pdf(self.offsets())
            pdf_preview.preview_pdf(self, pdf, "Trang căn chỉnh in phôi", "can-chinh-phoi-gcn.pdf")
