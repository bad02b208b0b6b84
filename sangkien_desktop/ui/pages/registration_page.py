"""The Đăng ký page: the registrations of a year in a grid (filter by unit, unit type and text), add,
edit and delete through a form, import units' tables with a preview, duplicate warnings with the
"không trùng" mark, and the TỔNG HỢP ĐĂNG KÝ table as PDF (preview, print) or Excel. Every change can be
undone (Ctrl+Z)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.text import fold, one_line
from ...services import duplicates
from ...services import registrations as service
from ...services import registrations_actions as actions
from ...services.duplicates import DuplicateMatch
from ...services.registrations import RegistrationData, RegistrationRow, UnitRef
from ...services.registrations_actions import ImportDone, PageData
from ...services.rounds import RoundInfo
from .. import colours, messages
from ..context import AppContext
from ..dialogs.registration_dialog import RegistrationDialog
from ..dialogs.registration_import_dialog import RegistrationImportDialog
from ..operations import Op, read
from ..widgets.folding_completer import FoldingCompleter
from ..widgets.record_model import CENTER, WARN_BACKGROUND, Column, RecordTableModel, RecordTableView
from ..workers import Job, run_in_background
from .base import Page

AREA = "registrations"
CONFIRMED = QColor(colours.BACKGROUND_CONFIRMED)


class RegistrationPage(Page):
    key = "registrations"
    title = "Đăng ký"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.units: list[UnitRef] = []
        self.rows: list[RegistrationRow] = []
        self.matches: dict[int, list[DuplicateMatch]] = {}
        self.dup_job: Job | None = None
        self._cancelled_jobs: list[Job] = []  # earlier duplicate checks, told to stop
        self.export_job: Job | None = None
        self._loaded_units = False

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading("Đăng ký sáng kiến của các đơn vị"))
        layout.addLayout(self._build_filters())
        layout.addLayout(self._build_actions())
        layout.addWidget(self._build_grid(), 1)
        self.status = QLabel()
        self.status.setObjectName("status")
        layout.addWidget(self.status)
        self._connect_signals()
        self._install_shortcuts()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.wait_for_jobs)

    # building ---------------------------------------------------------------------------------------
    def _build_filters(self) -> QHBoxLayout:
        self.year = QComboBox()
        self.year.setObjectName("year")
        self.unit_filter = QComboBox()
        self.unit_filter.setObjectName("unit_filter")
        self.unit_filter.setEditable(True)
        self.unit_filter.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.type_filter = QComboBox()
        self.type_filter.setObjectName("type_filter")
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("text_filter")
        self.text_filter.setPlaceholderText(
            "Lọc theo tên, tác giả, nội dung… (gõ không dấu cũng được) — Ctrl+F"
        )
        self.text_filter.setClearButtonEnabled(True)
        self.only_duplicates = QCheckBox("Chỉ dòng &nghi trùng")
        self.only_duplicates.setObjectName("only_duplicates")
        filters = QHBoxLayout()
        for text, widget in (
            ("Nă&m:", self.year),
            ("Đơn &vị:", self.unit_filter),
            ("&Loại:", self.type_filter),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addWidget(self.text_filter, 1)
        self.unit_filter.setMinimumWidth(220)
        self.text_filter.setMinimumWidth(240)
        return filters

    def _build_actions(self) -> QHBoxLayout:
        self.add_button = QPushButton("&Thêm")
        self.add_button.setToolTip("Thêm đăng ký (Insert hoặc Ctrl+N)")
        self.edit_button = QPushButton("&Sửa")
        self.edit_button.setToolTip("Sửa đăng ký đang chọn (Enter)")
        self.delete_button = QPushButton("&Xóa")
        self.delete_button.setToolTip("Xóa các đăng ký đang chọn (Delete)")
        self.import_button = QPushButton("N&hập tệp đơn vị…")
        self.import_button.setToolTip(
            "Nhập bảng TỔNG HỢP ĐĂNG KÝ đơn vị gửi (Excel, Word, LibreOffice, CSV; cả tệp gõ TCVN3/VNI) — Ctrl+I"
        )
        self.not_dup_button = QPushButton("&Không trùng")
        self.not_dup_button.setToolTip(
            "Xác nhận đăng ký đang chọn không trùng sáng kiến đã có (bấm lại để bỏ)"
        )
        self.pdf_button = QPushButton("Xem/&In bảng tổng hợp…")
        self.pdf_button.setToolTip("Bảng TỔNG HỢP ĐĂNG KÝ (PDF) của đơn vị đang lọc, hoặc tất cả — Ctrl+P")
        self.xlsx_button = QPushButton("Xuất E&xcel…")
        self.xlsx_button.setToolTip("Bảng TỔNG HỢP ĐĂNG KÝ dạng .xlsx — Ctrl+E")
        actions = QHBoxLayout()
        for b in (
            self.add_button,
            self.edit_button,
            self.delete_button,
            self.import_button,
            self.not_dup_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.only_duplicates)
        actions.addWidget(self.pdf_button)
        actions.addWidget(self.xlsx_button)
        return actions

    def _build_grid(self) -> QSplitter:
        """The registrations and, under them, the one chosen in full."""
        self.model: RecordTableModel[RegistrationRow] = RecordTableModel(self._columns())
        self.view = RecordTableView(self.model)
        self.view.setObjectName("registrations_view")
        # the service's order (units by the Vietnamese alphabet, then TT) until a header is clicked
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        assert self.view.proxy is not None
        self.view.proxy.sort(-1)
        self.detail = QLabel()
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(90)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        return splitter

    def _connect_signals(self) -> None:
        self.year.currentIndexChanged.connect(self._reload_rows)
        self.unit_filter.activated.connect(self._reload_rows)
        self.unit_filter.lineEdit().editingFinished.connect(self._unit_typed)
        self.type_filter.currentIndexChanged.connect(self._reload_rows)
        self.text_filter.textChanged.connect(self._apply_view_filter)
        self.only_duplicates.toggled.connect(self._apply_view_filter)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.import_button.clicked.connect(lambda: self.import_file())  # clicked passes a bool
        self.not_dup_button.clicked.connect(self.toggle_not_duplicate)
        self.pdf_button.clicked.connect(self.preview_pdf)
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.view.activated.connect(lambda _i: self.edit())
        self.view.doubleClicked.connect(lambda _i: self.edit())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())

    def _install_shortcuts(self) -> None:
        for keys, slot in (
            ("Ins", self.add),
            ("Ctrl+N", self.add),
            ("Ctrl+I", self.import_file),
            ("Ctrl+P", self.preview_pdf),
            ("Ctrl+E", self.export_xlsx),
            ("Ctrl+F", self.text_filter.setFocus),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for keys, slot in (("Del", self.delete), ("F2", self.edit)):
            QShortcut(QKeySequence(keys), self.view, slot, context=Qt.ShortcutContext.WidgetShortcut)

    def wait_for_jobs(self) -> None:
        """Let background work finish before the window goes away (a running QThread must not be
        destroyed)."""
        for job in (self.dup_job, self.export_job, *self._cancelled_jobs):
            if job is not None and not job.done:
                job.cancel()
                job.thread.quit()
                job.thread.wait(10_000)

    # columns ----------------------------------------------------------------------------------------
    def _dup_text(self, r: RegistrationRow) -> str:
        if r.not_duplicate:
            return "không trùng"
        found = self.matches.get(r.id)
        return f"{found[0].score:.0f}%" if found else ""

    def _dup_tooltip(self, r: RegistrationRow) -> str | None:
        found = self.matches.get(r.id)
        if r.not_duplicate:
            return "Đã xác nhận không trùng" + (f": {r.not_duplicate_note}" if r.not_duplicate_note else "")
        if not found:
            return None
        return "Giống:\n" + "\n".join(f"• {m.label}" for m in found)

    def _dup_background(self, r: RegistrationRow) -> QColor | None:
        if r.not_duplicate:
            return CONFIRMED if self.matches.get(r.id) else None
        return WARN_BACKGROUND if self.matches.get(r.id) else None

    def _columns(self) -> list[Column[RegistrationRow]]:
        return [
            Column("TT", lambda r: r.seq, align=CENTER, width=40),
            Column("Đơn vị", lambda r: r.unit_name, width=190),
            Column("Tên sáng kiến", lambda r: one_line(r.title), width=330, background=self._dup_background),
            Column("Tác giả", lambda r: one_line(r.authors_text), width=190),
            Column("Bộ phận công tác", lambda r: _departments(r.department), width=130),
            Column(
                "Trùng?",
                self._dup_text,
                align=CENTER,
                width=80,
                tooltip=self._dup_tooltip,
                background=self._dup_background,
                sort_key=lambda r: -(self.matches[r.id][0].score if self.matches.get(r.id) else 0),
                header_tooltip="Mức giống với sáng kiến đã đăng ký hoặc đã công nhận (mọi năm)",
            ),
            Column("Tồn tại", lambda r: one_line(r.problem), width=200),
            Column("Nội dung thực hiện", lambda r: one_line(r.content), width=220),
            Column("Hiệu quả", lambda r: one_line(r.effect), width=200),
            Column("Phạm vi ảnh hưởng", lambda r: one_line(r.scope), width=160),
            Column("Đơn vị áp dụng", lambda r: one_line(r.applied_unit), width=150),
            Column("Ngày đăng ký", lambda r: r.registered_on, align=CENTER, width=95),
            Column("Hồ sơ", lambda r: ", ".join(r.dossiers), width=90),
            Column("Nguồn", lambda r: r.source, width=140),
        ]

    # loading ----------------------------------------------------------------------------------------
    def on_round_changed(self, info: RoundInfo | None) -> None:
        if info is not None:
            self._select_year(info.year)
        if self.isVisible():  # a hidden page is refreshed when it is shown
            self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        self.wait_for_jobs()
        super().hideEvent(event)

    def selected_year(self) -> int:
        value = self.year.currentData()
        return int(value) if value is not None else self._default_year()

    def _default_year(self) -> int:
        return self.ctx.round.year if self.ctx.round else dt.date.today().year

    def _select_year(self, year: int) -> None:
        index = self.year.findData(year)
        if index < 0:
            self.year.blockSignals(True)
            self.year.addItem(str(year), year)
            self.year.blockSignals(False)
            index = self.year.findData(year)
        if index != self.year.currentIndex():
            self.year.blockSignals(True)
            self.year.setCurrentIndex(index)
            self.year.blockSignals(False)

    def _load_filters(self) -> None:
        keep_year = self.year.currentData() or self._default_year()
        keep_unit = self.unit_filter.currentData()
        keep_type = self.type_filter.currentData()
        data: PageData | None = read(
            self, self.ctx.db, lambda db: actions.page_data(db, int(keep_year), keep_unit, keep_type)
        )
        if data is None:
            return
        years = set(data.years) | {int(keep_year)}
        self.year.blockSignals(True)
        self.year.clear()
        for y in sorted(years, reverse=True):
            self.year.addItem(str(y), y)
        self.year.setCurrentIndex(self.year.findData(keep_year))
        self.year.blockSignals(False)
        self.units = data.units
        self.unit_filter.blockSignals(True)
        self.unit_filter.clear()
        self.unit_filter.addItem("Tất cả đơn vị", None)
        for u in self.units:
            self.unit_filter.addItem(u.name, u.id)
        completer = FoldingCompleter([u.name for u in self.units], self)  # "nguyen du" finds "Nguyễn Du"
        self.unit_filter.setCompleter(completer)
        self.unit_filter.setCurrentIndex(max(0, self.unit_filter.findData(keep_unit)))
        self.unit_filter.blockSignals(False)
        self.type_filter.blockSignals(True)
        self.type_filter.clear()
        self.type_filter.addItem("Tất cả loại đơn vị", None)
        for type_id, name in data.unit_types:
            self.type_filter.addItem(name, type_id)
        self.type_filter.setCurrentIndex(max(0, self.type_filter.findData(keep_type)))
        self.type_filter.blockSignals(False)
        self._loaded_units = True

    def refresh(self) -> None:
        self._load_filters()
        self._reload_rows()

    def _unit_typed(self) -> None:
        text = fold(self.unit_filter.currentText())
        if not text:
            self.unit_filter.setCurrentIndex(0)
        else:
            for i in range(self.unit_filter.count()):
                if fold(self.unit_filter.itemText(i)) == text:
                    self.unit_filter.setCurrentIndex(i)
                    break
        self._reload_rows()

    def _reload_rows(self) -> None:
        current = self.view.current_record()
        year, unit_id, type_id = (
            self.selected_year(),
            self.unit_filter.currentData(),
            self.type_filter.currentData(),
        )
        self.rows = read(self, self.ctx.db, lambda db: actions.rows(db, year, unit_id, type_id), [])
        self.model.set_records(self.rows)
        self._apply_view_filter()
        kept = current is not None and self.select_registration(current.id)
        if not kept and self.view.model().rowCount():
            self.view.setCurrentIndex(self.view.model().index(0, 0))
            self.view.selectRow(0)
        self._show_detail()
        self._update_status()
        self._start_duplicate_check()

    def _apply_view_filter(self) -> None:
        proxy = self.view.proxy
        assert proxy is not None
        proxy.set_text(self.text_filter.text())
        if self.only_duplicates.isChecked():
            proxy.set_predicate(lambda r: bool(self.matches.get(r.id)) and not r.not_duplicate)
        else:
            proxy.set_predicate(None)
        self._update_status()

    def _update_status(self) -> None:
        proxy = self.view.proxy
        # unfiltered, the view exposes rows in batches as it scrolls: every row is "shown"
        shown = self.view.model().rowCount() if proxy is not None and proxy.filtering else len(self.rows)
        units = len({r.unit_id for r in self.rows})
        flagged = sum(1 for r in self.rows if self.matches.get(r.id) and not r.not_duplicate)
        text = f"{len(self.rows)} đăng ký năm {self.selected_year()} của {units} đơn vị"
        if shown != len(self.rows):
            text += f" — đang hiện {shown}"
        if flagged:
            text += f" — {flagged} đăng ký nghi trùng (cột 'Trùng?')"
        self.status.setText(text)

    def _start_duplicate_check(self) -> None:
        year = self.selected_year()
        self._cancelled_jobs = [j for j in self._cancelled_jobs if not j.done]
        if self.dup_job is not None and not self.dup_job.done:
            self.dup_job.cancel()  # its answer would be stale: the check starts again on today's rows
            self._cancelled_jobs.append(self.dup_job)

        def work(progress: Any) -> dict[int, list[DuplicateMatch]]:
            return duplicates.year_report(self.ctx.db, year, include_confirmed=True, progress=progress)

        def done(result: dict[int, list[DuplicateMatch]]) -> None:
            if year != self.selected_year():
                return
            self.matches = result
            if self.model.rowCount():  # repaint the "Trùng?" column and colours, keeping the selection
                last = self.model.index(self.model.rowCount() - 1, self.model.columnCount() - 1)
                self.model.dataChanged.emit(self.model.index(0, 0), last)
            self._apply_view_filter()
            self._show_detail()

        self.dup_job = run_in_background(
            self, "Dò trùng", work, on_done=done, show_dialog=False, yield_to_typing=True
        )

    # selection --------------------------------------------------------------------------------------
    def current(self) -> RegistrationRow | None:
        record = self.view.current_record()
        return record if isinstance(record, RegistrationRow) else None

    def select_registration(self, registration_id: int) -> bool:
        view_model = self.view.model()
        for r in range(view_model.rowCount()):
            record = self.view.proxy.record(r) if self.view.proxy else None
            if record is not None and record.id == registration_id:
                self.view.setCurrentIndex(view_model.index(r, 0))
                self.view.selectRow(r)
                return True
        return False

    def _show_detail(self) -> None:
        r = self.current()
        if r is None:
            self.detail.setText("<i>Chọn một dòng để xem chi tiết và các sáng kiến giống nó.</i>")
            self.not_dup_button.setEnabled(False)
            return
        self.not_dup_button.setEnabled(True)
        self.not_dup_button.setText("Bỏ 'không trùng'" if r.not_duplicate else "&Không trùng")
        parts = [
            f"<b>{_html(one_line(r.title))}</b> — {_html(r.unit_name)}",
            f"Tác giả: {_html(one_line(r.authors_text))}"
            + (f" — Bộ phận: {_html(_departments(r.department))}" if r.department else ""),
        ]
        if r.dossiers:
            parts.append("Hồ sơ: " + ", ".join(r.dossiers))
        found = self.matches.get(r.id, [])
        if r.not_duplicate:
            note = f": {_html(r.not_duplicate_note)}" if r.not_duplicate_note else ""
            parts.append(
                f"<span style='color:{colours.TEXT_SECONDARY}'>Đã xác nhận không trùng{note}.</span>"
            )
        if found:
            items = "".join(f"<li>{_html(m.label)}</li>" for m in found)
            parts.append(
                f"<span style='color:{colours.TEXT_WARNING}'><b>Giống sáng kiến đã có:</b></span><ul>{items}</ul>"
            )
        self.detail.setText("<br>".join(parts))

    # add / edit / delete ----------------------------------------------------------------------------
    def _units(self) -> list[UnitRef]:
        if not self._loaded_units:
            self._load_filters()
        return list(self.units)

    def open_dialog(self, dialog: RegistrationDialog) -> bool:
        """Run a form dialog (tests replace this)."""
        return bool(dialog.exec())

    def _dialog(
        self, data: RegistrationData | None = None, registration_id: int | None = None
    ) -> RegistrationDialog:
        return RegistrationDialog(
            self.ctx.db,
            self._units(),
            data,
            registration_id=registration_id,
            year=self.selected_year(),
            parent=self,
            ctx=self.ctx,
        )

    def add(self) -> None:
        unit_id = self.unit_filter.currentData()
        preset = None
        if unit_id is not None:
            preset = RegistrationData(year=self.selected_year(), unit_id=unit_id, title="", authors_text="")
        dialog = self._dialog(preset)
        if not self.open_dialog(dialog):
            return
        data = dialog.data()
        held: dict[str, Any] = {}

        def undo(db: Any, created: tuple[int, list[Any]]) -> None:
            held["deleted"] = service.delete(db, created[0])

        def redo(db: Any) -> tuple[int, list[Any]]:
            return service.restore(db, held["deleted"]), []

        Op(
            self,
            f"Thêm đăng ký '{_short(data.title)}'",
            ctx=self.ctx,
            area=AREA,
            run=lambda db: service.create(db, data),
            undo=undo,
            redo=redo,
            on_done=lambda created: self._after_change(created[0], created[1]),
        ).start()

    def edit(self) -> None:
        r = self.current()
        if r is None:
            return
        dialog = self._dialog(r.data(), r.id)
        if not self.open_dialog(dialog):
            return
        new = dialog.data()
        Op(
            self,
            f"Sửa đăng ký '{_short(new.title)}'",
            ctx=self.ctx,
            area=AREA,
            run=lambda db: actions.update(db, r.id, new),
            undo=actions.put_back,  # the registration and its author rows exactly as they were
            on_done=lambda edited: self._after_change(r.id, edited.warnings),
        ).start()

    def delete(self) -> None:
        rows = [x for x in self.view.selected_records() if isinstance(x, RegistrationRow)]
        if not rows:
            return
        what = f"'{_short(rows[0].title)}'" if len(rows) == 1 else f"{len(rows)} đăng ký đã chọn"
        if not messages.confirm(self, f"Xóa {what}? (Có thể hoàn tác bằng Ctrl+Z.)", destructive=True):
            return
        ids = [row.id for row in rows]
        Op(
            self,
            f"Xóa {what}",
            ctx=self.ctx,
            area=AREA,
            run=lambda db: actions.delete_many(db, ids),  # one transaction; its redo too
            undo=actions.restore_many,  # one transaction puts every row back
            on_done=lambda _deleted: self._after_change(None, []),
        ).start()

    def toggle_not_duplicate(self) -> None:
        r = self.current()
        if r is None:
            return
        flag = not r.not_duplicate
        note = ""
        if flag:
            answer = messages.ask_text(self, "Ghi chú (vì sao không trùng, có thể để trống):")
            if answer is None:
                return
            note = answer
        label = "Xác nhận không trùng: " if flag else "Bỏ xác nhận không trùng: "
        Op(
            self,
            label + _short(r.title),
            ctx=self.ctx,
            area=AREA,
            run=lambda db: service.set_not_duplicate(db, r.id, flag, note),
            undo=lambda db, old: service.set_not_duplicate(db, r.id, *old),
            on_done=lambda _old: self._after_change(r.id, []),
        ).start()

    def _after_change(self, select_id: int | None, warnings: list[Any]) -> None:
        self.refresh()
        if select_id is not None:
            self.select_registration(select_id)
        if warnings:
            messages.show_info(self, "Đã lưu, có cảnh báo:\n" + "\n".join(f"- {w.text()}" for w in warnings))

    # import -----------------------------------------------------------------------------------------
    def open_import_dialog(self, dialog: RegistrationImportDialog) -> bool:
        """Run the import preview (tests replace this)."""
        return bool(dialog.exec())

    def import_file(self, path: Path | None = None) -> None:
        if path is None:
            from ...services.importers.readers import OPEN_FILTER

            path = messages.ask_open_path(self, "Chọn bảng đăng ký đơn vị gửi", OPEN_FILTER)
            if path is None:
                return
        dialog = RegistrationImportDialog(
            self.ctx.db, path, self.selected_year(), self._units(), self, ctx=self.ctx
        )
        if not self.open_import_dialog(dialog) or dialog.imported is None:
            return
        self._imported(dialog.imported)

    def _imported(self, done: ImportDone) -> None:
        """After the import dialog's operation (its undo entry is on the stack): show the year imported."""
        result = done.result
        self._select_year(result.year)
        self._after_change(result.registration_ids[0] if result.registration_ids else None, [])
        text = result.summary()
        if result.warnings:
            text += "\n\nCảnh báo:\n" + "\n".join(f"- {w.text()}" for w in result.warnings[:15])
            if len(result.warnings) > 15:
                text += f"\n… và {len(result.warnings) - 15} cảnh báo khác."
        messages.show_info(self, text)

    # output -----------------------------------------------------------------------------------------
    def _export_scope(self) -> tuple[int, int | None, str]:
        unit_id = self.unit_filter.currentData()
        year = self.selected_year()
        unit_name = next((u.name for u in self.units if u.id == unit_id), "")
        stem = f"tong-hop-dang-ky-{year}" + (f"-{_slug(unit_name)}" if unit_name else "")
        return year, unit_id, stem

    def open_pdf_preview(self, pdf: bytes, title: str, name: str) -> None:
        """Show the PDF that will be printed (tests replace this)."""
        from ..dialogs.pdf_preview import PdfPreviewDialog  # Qt's PDF and printing libraries: read when used

        PdfPreviewDialog(pdf, title, name, self).exec()

    def preview_pdf(self) -> None:
        from ...services import registration_export

        year, unit_id, stem = self._export_scope()

        def work(_db: Any, _progress: Any) -> bytes:

            return registration_export.build_pdf_bytes(self.ctx.db, year, unit_id)

        self.export_job = (
            Op(
                self,
                "Đang tạo bảng tổng hợp đăng ký",
                work,
                ctx=self.ctx,
                on_done=lambda pdf: self.open_pdf_preview(pdf, f"Tổng hợp đăng ký năm {year}", stem + ".pdf"),
            )
            .in_background()
            .start()
            .job
        )

    def export_xlsx(self) -> None:
        from ...services import registration_export

        year, unit_id, stem = self._export_scope()
        path = messages.ask_save_path(
            self, "Lưu bảng tổng hợp đăng ký", stem + ".xlsx", "Bảng Excel (*.xlsx)"
        )
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")

        def work(_db: Any, _progress: Any) -> int:

            return registration_export.write_xlsx(self.ctx.db, year, path, unit_id)

        self.export_job = (
            Op(
                self,
                "Đang xuất Excel",
                work,
                ctx=self.ctx,
                on_done=lambda n: messages.show_info(
                    self, f"Đã lưu bảng tổng hợp ({n} sáng kiến) vào {path}"
                ),
            )
            .in_background()
            .start()
            .job
        )


def _short(text: str, width: int = 60) -> str:
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _departments(text: str) -> str:
    """The Bộ phận cell on one line, its entries kept apart ("Tổ 4; Tổ 5", not "Tổ 4 Tổ 5")."""
    return "; ".join(one_line(p) for p in text.splitlines() if one_line(p))


def _slug(text: str) -> str:
    return "-".join(fold(text).replace(",", " ").split())[:60]


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
