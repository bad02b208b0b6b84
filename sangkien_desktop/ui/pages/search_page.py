"""The Tra cứu page: search every year's registrations and recognized initiatives as you type, without
accents ("doi moi" finds "Đổi mới"). Enter on a registration opens it for editing."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...services import registrations as registration_service
from ...services import registrations_actions
from ...services import search as search_service
from ...services.search import SearchHit
from .. import colours, messages
from ..context import AppContext
from ..dialogs.registration_dialog import RegistrationDialog
from ..operations import Op, read
from ..widgets.record_model import CENTER, Column, RecordTableModel, RecordTableView
from ..workers import Job, run_in_background, user_typed
from .base import Page

RECOGNIZED = QColor(colours.BACKGROUND_OK)
LIMIT = 300


def _kind_background(hit: SearchHit) -> QColor | None:
    return RECOGNIZED if hit.recognized else None


COLUMNS: list[Column[SearchHit]] = [
    Column("Năm", lambda h: h.year, align=CENTER, width=50),
    Column("Loại", lambda h: h.kind_label, width=125, background=_kind_background),
    Column("Tên sáng kiến", lambda h: h.title, width=300, tooltip=lambda h: h.title),
    Column(
        "Khớp ở",
        lambda h: h.matched,
        width=190,
        tooltip=lambda h: h.matched,
        header_tooltip=(
            "Các từ tìm thấy ở đâu: trong tên sáng kiến, hay trong tồn tại, nội dung, hiệu quả, tác giả, đơn vị … "
            "(kèm đoạn văn chứa từ). “hoa → hoạt”: chỉ khớp phần đầu của một từ dài hơn."
        ),
    ),
    Column("Đơn vị", lambda h: h.unit_name, width=130, tooltip=lambda h: h.unit_name),
    Column("Tác giả", lambda h: h.authors, width=140, tooltip=lambda h: h.authors),
    Column("Mã hồ sơ", lambda h: h.code, align=CENTER, width=70),
]


class SearchPage(Page):
    key = "search"
    title = "Tra cứu"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.query = QLineEdit()
        self.query.setObjectName("query")
        self.query.setPlaceholderText(
            "Gõ tên sáng kiến, tác giả, đơn vị… (không cần dấu: 'doi moi' tìm được 'Đổi mới')"
        )
        self.query.setClearButtonEnabled(True)
        self.year = QComboBox()
        self.year.setObjectName("search_year")
        self.model: RecordTableModel[SearchHit] = RecordTableModel(COLUMNS)
        self.view = RecordTableView(self.model, filterable=True)
        self.view.setObjectName("results_view")
        # best matches first (the search's order) until a header is clicked
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        assert self.view.proxy is not None
        self.view.proxy.sort(-1)
        self.status = QLabel("Gõ từ cần tìm.")
        self.status.setObjectName("status")
        self.warm_job: Job | None = None  # builds the search index while the secretary starts typing
        self.years_job: Job | None = None  # reads the years of the list off the GUI thread

        top = QHBoxLayout()
        label = QLabel("&Tìm:")
        label.setBuddy(self.query)
        top.addWidget(label)
        top.addWidget(self.query, 1)
        year_label = QLabel("&Năm:")
        year_label.setBuddy(self.year)
        top.addWidget(year_label)
        top.addWidget(self.year)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading("Tra cứu sáng kiến qua các năm"))
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.run_search)
        # "Khớp ở" (where each hit matched) is filled once typing pauses: it costs more than the search
        self.match_timer = QTimer(self)
        self.match_timer.setSingleShot(True)
        self.match_timer.setInterval(150)
        self.match_timer.timeout.connect(self.fill_matches)
        self._unmatched: tuple[str, list[SearchHit]] | None = None
        self.query.textChanged.connect(user_typed)
        self.query.textChanged.connect(self.timer.start)
        self.query.returnPressed.connect(self._enter_in_query)
        self.year.currentIndexChanged.connect(self.run_search)
        self.view.activated.connect(lambda _i: self.open_current())
        self.view.doubleClicked.connect(lambda _i: self.open_current())
        QShortcut(
            QKeySequence("Ctrl+F"),
            self,
            self.query.setFocus,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.wait_for_jobs)

    def wait_for_jobs(self) -> None:
        """Let the index build finish (a running QThread must not be destroyed)."""
        for job in (self.warm_job, self.years_job):
            if job is not None and not job.done:
                job.thread.quit()
                job.thread.wait()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()  # a hidden page does not search (nor read its database after it closed)
        self.match_timer.stop()
        self.wait_for_jobs()
        super().hideEvent(event)

    def _warm_up(self) -> None:
        if self.warm_job is not None and not self.warm_job.done:
            return

        def work(_progress: Any) -> None:
            search_service.warm_up(self.ctx.db)

        self.warm_job = run_in_background(
            self, "Chuẩn bị tra cứu", work, on_error=lambda _exc: None, show_dialog=False
        )

    def refresh(self) -> None:
        self._load_years()
        if self.query.text().strip():
            self.run_search()
        else:
            self._warm_up()
        self.query.setFocus()

    def _load_years(self) -> None:
        """Fill the year list from a worker thread (the list stays as it is meanwhile)."""
        if self.years_job is not None and not self.years_job.done:
            return

        def work(_progress: Any) -> list[int]:
            return registration_service.registration_years(self.ctx.db)

        self.years_job = run_in_background(
            self, "Đọc các năm", work, on_done=self._show_years, on_error=lambda _e: None, show_dialog=False
        )

    def _show_years(self, years: list[int]) -> None:
        keep = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem("Mọi năm", None)
        for y in years:
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(max(0, self.year.findData(keep)))
        self.year.blockSignals(False)
        if self.year.currentData() != keep:
            self.run_search()  # the year searched no longer exists

    def _with_dossier_codes(self, hits: list[SearchHit]) -> list[SearchHit]:
        """Registrations that have a dossier show its code in "Mã hồ sơ" (HS26-007)."""
        ids = [h.ref_id for h in hits if h.kind == search_service.KIND_REGISTRATION and not h.code]
        codes = read(self, self.ctx.db, lambda db: registrations_actions.dossier_codes(db, ids), {})
        if not codes:
            return hits
        return [
            dataclasses.replace(h, code=codes[h.ref_id])
            if h.kind == search_service.KIND_REGISTRATION and h.ref_id in codes
            else h
            for h in hits
        ]

    def run_search(self) -> None:
        self.timer.stop()
        self.match_timer.stop()
        self._unmatched = None
        text = self.query.text()
        if not text.strip():
            self.model.set_records([])
            self.status.setText("Gõ từ cần tìm.")
            return
        self.wait_for_jobs()  # the first search waits for the index being built
        year = self.year.currentData()
        found = read(
            self,
            self.ctx.db,
            lambda db: search_service.search(db, text, limit=LIMIT, year=year, with_matches=False),
        )
        if found is None:
            self.status.setText("Không tra cứu được.")
            return
        hits = self._with_dossier_codes(found)
        self.model.set_records(hits)
        if hits:
            self._unmatched = (text, hits)
            self.match_timer.start()
        recognized = sum(1 for h in hits if h.recognized)
        if not hits:
            self.status.setText(f"Không tìm thấy sáng kiến nào với '{text.strip()}'.")
        else:
            more = " (chỉ hiện những kết quả đầu)" if len(hits) >= LIMIT else ""
            self.status.setText(
                f"{len(hits)} kết quả{more}: {len(hits) - recognized} đăng ký, {recognized} đã công nhận. "
                "Enter hoặc nhấp đúp để mở đăng ký."
            )
        if hits:
            self.view.selectRow(0)

    def fill_matches(self) -> None:
        """Fill the "Khớp ở" column of the hits on screen (rows keep their place and selection)."""
        pending, self._unmatched = self._unmatched, None
        if pending is None or (self.model.rowCount() and len(self.model.records()) != len(pending[1])):
            return  # a new search has replaced the list since (it clears the pending one too)
        text, hits = pending
        described = read(self, self.ctx.db, lambda db: search_service.describe_hits(db, hits, text))
        if described is not None:
            self.model.update_records(described)

    def _enter_in_query(self) -> None:
        self.run_search()
        if self.model.rowCount():
            self.view.setFocus()

    def open_dialog(self, dialog: RegistrationDialog) -> bool:
        return bool(dialog.exec())

    def open_current(self) -> None:
        hit = self.view.current_record()
        if not isinstance(hit, SearchHit):
            return
        if hit.kind != search_service.KIND_REGISTRATION:
            messages.show_info(
                self,
                f"{hit.title}\n\n{hit.unit_name} — {hit.kind_label}, năm {hit.year}, "
                + ("hồ sơ " if hit.kind == search_service.KIND_RECOGNIZED else "")
                + f"{hit.code}\n"
                f"Tác giả: {hit.authors}",
            )
            return
        row = read(self, self.ctx.db, lambda db: registration_service.get_registration(db, hit.ref_id))
        units = read(self, self.ctx.db, registration_service.list_units, [])
        if row is None:
            return
        dialog = RegistrationDialog(
            self.ctx.db, units, row.data(), registration_id=row.id, parent=self, ctx=self.ctx
        )
        if not self.open_dialog(dialog):
            return
        new = dialog.data()
        Op(
            self,
            f"Sửa đăng ký '{new.title[:50]}'",
            ctx=self.ctx,
            area="registrations",
            run=lambda db: registrations_actions.update(db, row.id, new),
            undo=registrations_actions.put_back,  # the rows exactly as they were
            on_done=lambda _done: self.run_search(),
        ).start()
