"""The first-run wizard: set up the council (issuing body, place, signers, who issues the decision and who
signs it, legal bases, ký hiệu) and the first round, or open the demo data. Shown on an empty database and from Cài đặt ("Trình hướng dẫn thiết
lập…"). Everything is typed with the keyboard: Tab moves between fields, Enter goes to the next step.
Nothing is saved until "Hoàn tất"; then everything is saved in one transaction (``services.setup``)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ... import APP_TITLE
from ...db.database import Database
from ...services import settings as settings_service
from ...services import setup as setup_service
from ...services.setup import FirstRound
from ..operations import Op
from ..screen_fit import fit as fit_to_screen
from ..widgets.header_preview import HeaderPreview
from ..widgets.setting_fields import SettingFields

PAGE_INTRO, PAGE_COUNCIL, PAGE_SIGNERS, PAGE_ISSUER, PAGE_DOCUMENTS, PAGE_ROUND, PAGE_FINISH = range(7)

COUNCIL_KEYS = (
    "issuing_parent",
    "issuing_body",
    "council_name",
    "council_level",
    "place_name",
    "standing_office",
)
SIGNER_KEYS = (
    "chair_authority",
    "chair_title",
    "chair_name",
    "secretary_title",
    "secretary_name",
)
ISSUER_KEYS = (
    "decision_issuer",
    "head_authority",
    "head_title",
    "head_name",
    "head_signs",
    "deputy_title",
    "deputy_name",
)
DOCUMENT_KEYS = (
    "legal_bases",
    "number_mode",
    "suffix_decision",
    "suffix_submission",
    "suffix_minutes",
    "suffix_receipt",
)

DEFAULT_BASES = "\n".join(
    [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02/3/2012 của Chính phủ ban hành Điều lệ Sáng kiến;",
        "Căn cứ Thông tư số 18/2013/TT-BKHCN ngày 01/8/2013 của Bộ Khoa học và Công nghệ hướng dẫn thi hành "
        "một số quy định của Điều lệ Sáng kiến;",
    ]
)


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class _IntroPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(f"Chào mừng đến với {APP_TITLE}")
        self.setSubTitle("Vài bước để phần mềm in đúng tên cơ quan, địa danh và người ký của Hội đồng.")
        setup = QLabel("<b>Thiết lập Hội đồng của tôi</b> — bấm <b>Tiếp</b> (hoặc Enter).")
        self.demo_button = QPushButton("Dùng &dữ liệu mẫu để xem thử phần mềm")
        self.demo_button.setObjectName("choice_demo")
        self.demo_button.setAutoDefault(False)
        self.demo_button.clicked.connect(self.wiz.choose_demo)
        layout = QVBoxLayout(self)
        layout.addWidget(setup)
        layout.addWidget(
            _note(
                "Bạn sẽ nhập: tên cơ quan ban hành, địa danh ghi ở dòng ngày tháng, người ký, căn cứ pháp lý, "
                "ký hiệu văn bản và đợt xét đầu tiên. Mọi mục đều sửa lại được ở trang Cài đặt."
            )
        )
        layout.addSpacing(18)
        layout.addWidget(self.demo_button)
        note = (
            "Mở một Hội đồng mẫu (phường Tam Điệp, hai đợt, khoảng 40 đơn vị, hồ sơ và điểm chấm) trong một "
            "cửa sổ riêng, ghi ở tệp demo.db riêng có dòng chữ DỮ LIỆU MẪU: cơ sở dữ liệu thật vẫn trống."
        )
        if not wizard.empty:
            self.demo_button.setEnabled(False)
            note = "Cơ sở dữ liệu này đã có dữ liệu nên không tạo được dữ liệu mẫu."
        layout.addWidget(_note(note))
        layout.addStretch(1)


class _FieldsPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard, title: str, subtitle: str, keys: tuple[str, ...]) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        wizard.fields.add_rows(form, keys, with_help=True)
        self.form = form


first_round_deadline = setup_service.first_round_deadline


def today() -> dt.date:
    """Today (tests replace it)."""
    return dt.date.today()


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class _RoundPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setTitle("Năm và đợt xét đầu tiên")
        self.setSubTitle(
            "Đợt mới dùng tiêu chí chấm, danh mục giấy tờ và quy tắc xếp loại mặc định (Tam Điệp 2024); "
            "sửa ở Cài đặt → Đợt."
        )
        now = today()
        deadline = first_round_deadline(now)
        self.create = QCheckBox("&Tạo Đợt 1 ngay bây giờ")
        self.create.setObjectName("create_round")
        self.create.setChecked(not wizard.has_rounds)
        self.year = QSpinBox()
        self.year.setObjectName("round_year")
        self.year.setRange(now.year, 2100)  # the first round is this year's or a later one
        self.year.setValue(deadline.year)
        self.until = QDateEdit(_qdate(deadline))
        self.until.setMinimumDate(_qdate(now + dt.timedelta(days=1)))  # never a deadline already passed
        self.until.setObjectName("round_until")
        self.until.setDisplayFormat("dd/MM/yyyy")
        self.until.setCalendarPopup(True)
        self.year.valueChanged.connect(lambda y: self.until.setDate(_qdate(first_round_deadline(now, y))))
        form = QFormLayout(self)
        form.addRow(self.create)
        form.addRow("&Năm:", self.year)
        form.addRow("&Hạn nộp hồ sơ:", self.until)
        form.addRow(
            _note(
                "Loại đơn vị (phòng ban, xã/phường, trường Mầm non, Tiểu học, THCS …) và hạn đăng ký của từng "
                "loại được tạo sẵn; danh sách đơn vị nhập ở Cài đặt → Đơn vị (có thể nhập từ tệp Excel)."
            )
        )
        if wizard.has_rounds:
            form.addRow(_note("Cơ sở dữ liệu đã có đợt xét; tạo thêm đợt ở Cài đặt → Đợt."))
        self.create.toggled.connect(self.year.setEnabled)
        self.create.toggled.connect(self.until.setEnabled)
        self.year.setEnabled(self.create.isChecked())
        self.until.setEnabled(self.create.isChecked())


class _FinishPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("Kiểm tra lại")
        self.setSubTitle("Văn bản sẽ in phần đầu và chữ ký như dưới đây. Bấm Hoàn tất để lưu.")
        self.summary = _note("")
        self.summary.setObjectName("finish_summary")
        self.preview = HeaderPreview(wizard.fields.values, crop=0.5, show_signature=True)
        self.preview.setMinimumHeight(300)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 1)

    def initializePage(self) -> None:
        _, issues = settings_service.validate(self.wiz.fields.values())
        lines = []
        if self.wiz.round_page.create.isChecked():
            lines.append(f"Sẽ tạo Đợt 1 năm {self.wiz.round_page.year.value()}.")
        lines += ["Lưu ý: " + i.text() for i in issues]
        self.summary.setText("\n".join(lines) or "Đã đủ thông tin.")
        self.preview.refresh()


class FirstRunWizard(QWizard):
    """``FirstRunWizard(db, parent).exec()``; after acceptance ``choice`` is "demo" or "setup" and
    ``saved_round_id`` the round created (if any)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("first_run_wizard")
        self.setWindowTitle(f"Thiết lập {APP_TITLE}")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Tiếp >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Quay lại")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Hoàn tất")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Để &sau")
        fit_to_screen(self, 760, 620)
        self.choice = ""
        self.saved_round_id: int | None = None
        start = setup_service.wizard_start(db)
        self.empty, self.has_rounds, current = start.empty, start.has_rounds, dict(start.values)
        if not start.configured:
            # a fresh council: empty the example defaults the secretary must type, suggest the usual bases
            current.update({"issuing_parent": "", "legal_bases": current.get("legal_bases") or DEFAULT_BASES})

        self.fields = SettingFields(self)
        self.setPage(PAGE_INTRO, _IntroPage(self))
        council = _FieldsPage(
            self,
            "Cơ quan ban hành và địa danh",
            "Như in ở góc trái phần đầu văn bản (chữ in hoa) và ở dòng ngày tháng bên phải.",
            COUNCIL_KEYS,
        )
        self.setPage(PAGE_COUNCIL, council)
        council.registerField("issuing_body*", self.fields.editor("issuing_body"))
        council.registerField("place_name*", self.fields.editor("place_name"))
        self.setPage(
            PAGE_SIGNERS,
            _FieldsPage(
                self,
                "Người ký của Hội đồng",
                "Chủ tịch Hội đồng ký biên bản và tờ trình của Hội đồng, thư ký ghi biên bản.",
                SIGNER_KEYS,
            ),
        )
        self.setPage(
            PAGE_ISSUER,
            _FieldsPage(
                self,
                "Quyết định công nhận: ai ban hành, ai ký",
                "Thường là thủ trưởng cơ quan ban hành quyết định theo tờ trình của Hội đồng; cấp phó có thể "
                "ký thay (KT.).",
                ISSUER_KEYS,
            ),
        )
        self.setPage(
            PAGE_DOCUMENTS,
            _FieldsPage(
                self,
                "Căn cứ pháp lý và số, ký hiệu văn bản",
                "Mỗi căn cứ một dòng (Enter xuống dòng; Ctrl+Enter sang bước tiếp). Ký hiệu in sau số văn bản, "
                'ví dụ "Số: 05/QĐ-HĐSK".',
                DOCUMENT_KEYS,
            ),
        )
        self.round_page = _RoundPage(self)
        self.setPage(PAGE_ROUND, self.round_page)
        self.setPage(PAGE_FINISH, _FinishPage(self))
        self.fields.set_values(current)
        self.fields.changed.connect(self._deputy_fields)
        self._deputy_fields()
        self.setStartId(PAGE_INTRO)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # in a multi-line field Enter starts a new line
            QShortcut(QKeySequence(keys), self, self._next_or_finish)

    def _deputy_fields(self) -> None:
        """The deputy's title and name matter only when a deputy signs for the head (KT.)."""
        deputy = self.fields.value("head_signs") == "deputy"
        for key in ("deputy_title", "deputy_name"):
            self.fields.editor(key).setEnabled(deputy)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.currentId() == PAGE_INTRO:
            self.button(QWizard.WizardButton.NextButton).setFocus()  # Enter = "Tiếp": set up the council

    def _next_or_finish(self) -> None:
        button = self.button(
            QWizard.WizardButton.FinishButton
            if self.currentId() == PAGE_FINISH
            else QWizard.WizardButton.NextButton
        )
        if button.isVisible() and button.isEnabled():
            button.click()

    def choose_demo(self) -> None:
        """ "Dùng dữ liệu mẫu": end the wizard; the caller creates the demo data."""
        self.choice = "demo"
        super().accept()

    def accept(self) -> None:
        """ "Hoàn tất": save everything in one transaction; an error keeps the wizard open."""
        values, first = self.fields.values(), self._first_round()
        op = Op(
            self, "Thiết lập Hội đồng", lambda db: setup_service.save_first_run(db, values, first), db=self.db
        )
        if not op.start().ok:
            return
        self.saved_round_id = op.result
        self.choice = "setup"
        super().accept()

    def _first_round(self) -> FirstRound | None:
        page = self.round_page
        if not page.create.isChecked():
            return None
        until = page.until.date().toPython()
        assert isinstance(until, dt.date)
        return FirstRound(page.year.value(), until)
