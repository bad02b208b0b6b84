"""The Kết quả page: the ranking with grade, reward, reason and the council's vote beside each dossier; a
what-if panel (change a quota or a threshold and see who moves) that never touches the saved results until
"Lưu kết quả" is pressed; the total reward budget; the council's decision on ties."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial
from html import escape
from typing import Any

from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...db.database import Database
from ...domain import round_lifecycle
from ...domain.enums import Grade, RoundStatus, TiePolicy, VoteMethod
from ...domain.errors import ValidationError
from ...domain.grading import Band, Condition, GradeRules, Move, compare
from ...domain.money import format_money
from ...domain.round_lifecycle import RoundAction
from ...domain.scoring import format_points, parse_points
from ...domain.text import fold_key
from ...services import results as results_service
from ...services.grading import ResultRow, RoundGrading
from ...services.rounds import RoundInfo
from .. import colours, messages, operations
from ..context import AppContext
from ..operations import Op
from ..screen_fit import fit as fit_to_screen
from ..widgets.record_model import CENTER, RIGHT, Column, RecordTableModel, RecordTableView
from .base import Page
from .council_page import vn_buttons

VN = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
TIE_BACKGROUND = QColor(colours.BACKGROUND_WARNING)
MISSING_BACKGROUND = QColor(colours.BACKGROUND_MUTED)
REFUSED_BACKGROUND = QColor(colours.BACKGROUND_ERROR)
MOVED_BACKGROUND = QColor(colours.BACKGROUND_MOVED)


def _money(n: int) -> str:
    return format_money(int(n)) + " đ" if n else ""


@dataclass(frozen=True)
class PanelValues:
    """The what-if panel as typed: the bands' cells (code, name, threshold, quota, amount, conditions) and
    the options."""

    cells: tuple[tuple[str, ...], ...]
    certificate: float
    decimals: int
    tie_policy: TiePolicy
    tie_criterion: int | None


def parse_conditions(text: str, where: str, criteria: list[tuple[int, str]]) -> tuple[Condition, ...]:
    """ "Tính mới ≥ 30; TC3 ≥ 20" → conditions; raises ValidationError naming ``where``."""
    out = []
    for part in [p.strip() for p in text.split(";") if p.strip()]:
        match = re.match(r"^(.*?)\s*(?:≥|>=|>)\s*([\d.,]+)$", part)
        if not match:
            raise ValidationError(f"{where}: điều kiện “{part}” phải có dạng “Tên tiêu chí ≥ 30”.")
        ref, number = match.group(1).strip(), parse_points(match.group(2))
        found = None
        tc = re.match(r"^(?:tc|tieu chi)\s*(\d+)$", fold_key(ref))
        if tc and 1 <= int(tc.group(1)) <= len(criteria):
            found = criteria[int(tc.group(1)) - 1]
        else:
            key = fold_key(ref)
            candidates = [c for c in criteria if fold_key(c[1]).startswith(key)] if key else []
            if len(candidates) == 1:
                found = candidates[0]
        if found is None or number is None:
            raise ValidationError(f"{where}: không rõ tiêu chí “{ref}” (ghi tên tiêu chí hoặc TC1, TC2 …).")
        out.append(Condition(found[0], found[1], number))
    return tuple(out)


def _band(cells: tuple[str, ...], where: str, criteria: list[tuple[int, str]]) -> Band:
    code, label, threshold_text, quota_text, amount_text, conditions = (*cells, "", "", "", "", "", "")[:6]
    try:
        threshold = parse_points(threshold_text)
        quota = None if quota_text == "" else int(quota_text)
        amount = int(amount_text.replace(".", "").replace(" ", "") or "0")
    except ValueError as exc:
        raise ValidationError(f"{where}: số không hợp lệ ({exc}).") from exc
    if threshold is None:
        raise ValidationError(f"{where}: chưa có ngưỡng điểm.")
    return Band(
        code, label or f"Loại {code}", threshold, quota, amount, parse_conditions(conditions, where, criteria)
    )


def parse_panel(values: PanelValues, saved: GradeRules, criteria: list[tuple[int, str]]) -> GradeRules:
    """The what-if rules typed in the panel (pure: runs on a worker thread); raises ValidationError naming
    the bad cell."""
    bands = tuple(_band(cells, f"Loại dòng {r + 1}", criteria) for r, cells in enumerate(values.cells))
    policy, criterion = values.tie_policy, values.tie_criterion
    by_criterion = policy is TiePolicy.CRITERION
    return replace(
        saved,
        bands=bands,
        certificate_threshold=Decimal(str(values.certificate)),
        decimals=values.decimals,
        tie_policy=policy,
        tie_break_criterion=criterion if by_criterion else None,
        tie_break_name=dict(criteria).get(criterion, "") if by_criterion and criterion is not None else "",
    )


class FittedLabel(QLabel):
    """A word-wrapped label that claims the height its text needs at its width: in a panel short of height a
    layout otherwise cuts its last lines (issue 18: the what-if C amount at 1366×768)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        needed = self.heightForWidth(max(self.width(), 1))
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class ResultsPage(Page):
    key = "results"
    title = "Kết quả"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.saved_rules: GradeRules | None = None
        self.baseline: RoundGrading | None = None  # saved rules, scores as they stand
        self.current: RoundGrading | None = None  # what the table shows (what-if rules)
        self.moves: dict[Any, Move] = {}
        self.criteria: list[tuple[int, str]] = []
        self._loading = False
        self._generation = 0  # bumped by every refresh: an older background grading is then ignored
        self._load: Op | None = None
        self._what_if: Op | None = None
        self._what_if_seq = 0  # bumped by every what-if and by "Khôi phục": only the latest one is shown
        self._select_after: int | None = None  # a dossier to select once the refresh under way is shown
        self._saved_panel: PanelValues | None = None  # the panel as filled from the saved rules
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.recompute)
        self._build()
        self._connect_signals()

    # building ---------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading())
        self.banner = QLabel()
        self.banner.setObjectName("results_banner")
        self.banner.setWordWrap(True)
        layout.addWidget(self.banner)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        splitter.addWidget(self._build_results())
        splitter.addWidget(self._build_what_if())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 230])

    def _columns(self) -> list[Column[ResultRow]]:
        # widths for 1280×800 and 1366×768: every short column shows its longest usual text ("Không công
        # nhận", "7/7 tán thành — đạt"); the reason takes the rest, in full under the table for the chosen row
        return [
            Column(
                "Hạng",
                lambda r: r.rank,
                width=58,
                align=CENTER,
                sort_key=lambda r: r.rank or 10**6,
                header_tooltip="Thứ hạng theo điểm bình quân (cao xuống thấp)",
            ),
            Column("Mã hồ sơ", lambda r: r.code, width=78),
            Column("Tên sáng kiến", lambda r: r.title, width=200, tooltip=lambda r: r.title),
            Column("Đơn vị", lambda r: r.unit_name, width=118, tooltip=lambda r: r.unit_name),
            Column(
                "Điểm TB",
                lambda r: "" if r.mean is None else format_points(r.mean, self._decimals()),
                width=64,
                align=RIGHT,
                sort_key=lambda r: float(r.mean) if r.mean is not None else -1.0,
                header_tooltip="Điểm bình quân của các thành viên đã chấm",
            ),
            Column(
                "Xếp loại",
                self._grade_text,
                width=118,
                background=self._grade_background,
                tooltip=self._grade_text,
            ),
            Column(
                "Thưởng",
                self._reward_text,
                width=88,
                align=RIGHT,
                sort_key=lambda r: r.reward,
                tooltip=self._reward_tooltip,
            ),
            Column(
                "Biểu quyết",
                self._vote_text,
                width=138,
                background=self._vote_background,
                tooltip=self._vote_text,
            ),
            Column(
                "Lý do",
                self._reason_text,  # the last column: it stretches over the rest of the width
                tooltip=lambda r: r.reason,
                header_tooltip="Vì sao hồ sơ được xếp loại này (đầy đủ ở dòng dưới bảng khi chọn hồ sơ)",
            ),
        ]

    def _build_results(self) -> QWidget:
        """The table of results with its filter, the chosen row's reason, the summary and the buttons."""
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.model: RecordTableModel[ResultRow] = RecordTableModel(self._columns())
        self.table = RecordTableView(self.model, filterable=True)
        self.table.setObjectName("results_table")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("&Lọc:"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("mã, tên, đơn vị, loại … (không cần dấu)")
        filter_row.addWidget(self.filter, 1)
        filter_row.itemAt(0).widget().setBuddy(self.filter)  # type: ignore[union-attr]
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.table, 1)
        self.detail = QLabel()
        self.detail.setObjectName("results_detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setStyleSheet(f"color: {colours.TEXT_BODY};")
        left_layout.addWidget(self.detail)
        self.summary = QLabel()
        self.summary.setObjectName("results_summary")
        self.summary.setWordWrap(True)
        left_layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        self.apply_button = QPushButton("&Lưu kết quả xếp loại")
        self.apply_button.setObjectName("apply_results")
        self.tie_button = QPushButton("Hội đồng quyết định &đồng điểm…")
        self.vote_button = QPushButton("Ghi &biểu quyết…")
        self.clear_button = QPushButton("Xóa kết quả đã lưu")
        for b in (self.apply_button, self.tie_button, self.vote_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        left_layout.addLayout(buttons)
        return left

    def _build_what_if(self) -> QWidget:
        """The what-if panel: the bands, the options and what they would change."""
        right = QGroupBox("Thử thay đổi quy tắc (chưa lưu cho tới khi nhấn “Lưu kết quả xếp loại”)")
        right.setObjectName("what_if")
        right_layout = QHBoxLayout(right)
        right_layout.addLayout(self._build_bands(), 6)
        right_layout.addLayout(self._build_options(), 3)
        right_layout.addLayout(self._build_effects(), 3)
        return right

    def _build_bands(self) -> QVBoxLayout:
        bands_box = QVBoxLayout()
        self.bands = QTableWidget(0, 6)
        self.bands.setObjectName("what_if_bands")
        self.bands.setHorizontalHeaderLabels(
            ["Mã", "Tên loại", "Từ điểm", "Số suất", "Thưởng (đ)", "Điều kiện theo tiêu chí"]
        )
        for col, tip in (
            (2, "Ngưỡng điểm bình quân tối thiểu của loại"),
            (3, "Để trống: không giới hạn"),
            (4, "Tiền thưởng mỗi hồ sơ (đồng)"),
            (5, "Ví dụ: “Tính mới ≥ 30” hoặc “TC1 ≥ 30; TC3 ≥ 20”"),
        ):
            self.bands.horizontalHeaderItem(col).setToolTip(tip)
        band_header = self.bands.horizontalHeader()
        for col, width in enumerate((40, 72, 62, 58, 82)):
            self.bands.setColumnWidth(col, width)
        band_header.setMinimumSectionSize(36)
        band_header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)  # the conditions: the rest
        self.bands.setMinimumWidth(460)
        self.bands.verticalHeader().setVisible(False)
        self.bands.verticalHeader().setDefaultSectionSize(24)
        bands_box.addWidget(self.bands, 1)
        band_buttons = QHBoxLayout()
        self.add_band = QPushButton("Thêm loại")
        self.remove_band = QPushButton("Bỏ loại")
        band_buttons.addWidget(self.add_band)
        band_buttons.addWidget(self.remove_band)
        band_buttons.addStretch(1)
        bands_box.addLayout(band_buttons)
        return bands_box

    def _build_options(self) -> QVBoxLayout:
        options = QVBoxLayout()
        form = QFormLayout()
        self.certificate = QDoubleSpinBox()
        self.certificate.setObjectName("what_if_certificate")
        self.certificate.setLocale(VN)
        self.certificate.setRange(0, 1000)
        self.certificate.setDecimals(2)
        self.certificate.setSuffix(" điểm")
        self.decimals = QSpinBox()
        self.decimals.setRange(0, 4)
        self.tie_policy = QComboBox()
        self.tie_policy.addItem("Hội đồng quyết định", TiePolicy.COUNCIL)
        self.tie_policy.addItem("Xét một tiêu chí, rồi Hội đồng", TiePolicy.CRITERION)
        self.tie_criterion = QComboBox()
        form.addRow("Công nhận từ:", self.certificate)
        form.addRow("Chữ số thập phân:", self.decimals)
        form.addRow("Đồng điểm ở ranh giới:", self.tie_policy)
        form.addRow("Tiêu chí phụ:", self.tie_criterion)
        options.addLayout(form)
        self.revert_button = QPushButton("&Khôi phục quy tắc đã lưu")
        options.addWidget(self.revert_button)
        options.addStretch(1)
        return options

    def _build_effects(self) -> QVBoxLayout:
        effects = QVBoxLayout()
        self.budget = FittedLabel()
        self.budget.setObjectName("what_if_budget")
        effects.addWidget(self.budget)
        effects.addWidget(QLabel("Hồ sơ thay đổi so với quy tắc đã lưu:"))
        self.moves_list = QListWidget()
        self.moves_list.setObjectName("what_if_moves")
        self.moves_list.setMinimumHeight(40)  # it scrolls: the budget above keeps every line
        effects.addWidget(self.moves_list, 1)
        return effects

    def _connect_signals(self) -> None:
        self.table.doubleClicked.connect(lambda _i: self.record_vote())
        assert self.table.proxy is not None
        self.filter.textChanged.connect(self.table.proxy.set_text)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.bands.itemChanged.connect(self._changed)
        self.certificate.valueChanged.connect(self._changed)
        self.decimals.valueChanged.connect(self._changed)
        self.tie_policy.currentIndexChanged.connect(self._changed)
        self.tie_criterion.currentIndexChanged.connect(self._changed)
        self.add_band.clicked.connect(lambda _checked=False: self._add_band())
        self.remove_band.clicked.connect(lambda _checked=False: self._remove_band())
        self.revert_button.clicked.connect(lambda _checked=False: self.revert_rules())
        self.apply_button.clicked.connect(lambda _checked=False: self.apply())
        self.tie_button.clicked.connect(lambda _checked=False: self.decide_ties())
        self.vote_button.clicked.connect(lambda _checked=False: self.record_vote())
        self.clear_button.clicked.connect(lambda _checked=False: self.clear_saved())

    # columns ----------------------------------------------------------------------------------------
    def _decimals(self) -> int:
        return self.current.rules.decimals if self.current else 2

    def _grade_text(self, r: ResultRow) -> str:
        text = r.outcome.label
        if r.tie:
            text += "/" + "/".join(r.outcome.possible[1:]) + " (chờ HĐ)"  # "Loại A/B (chờ HĐ)"
        move = self.moves.get(r.dossier_id)
        if move is not None and move.before != move.after:
            text += f" ← {move.before}"
        return text

    def _grade_background(self, r: ResultRow) -> QColor | None:
        if r.dossier_id in self.moves:
            return MOVED_BACKGROUND
        if r.tie:
            return TIE_BACKGROUND
        if r.grade == Grade.MISSING.value:
            return MISSING_BACKGROUND
        if r.grade == Grade.NOT_RECOGNIZED.value:
            return REFUSED_BACKGROUND
        return None

    def _reward_text(self, r: ResultRow) -> str:
        """An undecided tie shows "chờ HĐ", the amounts in the tooltip and the reason."""
        return "chờ HĐ" if r.tie else _money(r.reward)

    def _reward_tooltip(self, r: ResultRow) -> str:
        o = r.outcome
        if not r.tie:
            return _money(r.reward)
        return (
            f"Chưa quyết định: {_money(o.reward_if_chosen or 0) or '0 đ'} nếu được chọn, "
            f"{_money(o.reward_if_not_chosen or 0) or '0 đ'} ({o.grade_if_not_chosen}) nếu không"
        )

    def _reason_text(self, r: ResultRow) -> str:
        """The reason without its leading grade ("Loại A: …"), which the Xếp loại column already shows."""
        head, sep, rest = r.reason.partition(": ")
        return rest if sep and head == r.outcome.label else r.reason

    def _show_detail(self) -> None:
        r = self.table.current_record()
        if not isinstance(r, ResultRow):
            self.detail.setText("")
            return
        parts = [f"<b>{escape(r.code)}</b> — {escape(r.title)} ({escape(r.unit_name)})", escape(r.reason)]
        parts.append(escape(self._vote_text(r)))
        self.detail.setText(" · ".join(parts))

    def _vote_text(self, r: ResultRow) -> str:
        return r.vote.text if r.vote is not None else "Chưa ghi biểu quyết"

    def _vote_background(self, r: ResultRow) -> QColor | None:
        if r.vote is not None and r.vote.refusal:
            return REFUSED_BACKGROUND  # the vote failed: not recognized, whatever the score
        if r.outcome.recognized and r.vote is None:
            return TIE_BACKGROUND
        return None

    # loading ----------------------------------------------------------------------------------------
    def on_round_changed(self, info: RoundInfo | None) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Grade the round on a worker thread (0.3–0.6 s on the demo) and fill the page in when done."""
        self._timer.stop()
        self._generation += 1
        round_id = self.ctx.round_id
        if round_id is None:
            self.model.set_records([])
            self._show_detail()
            self.banner.setText("Chưa có đợt nào.")
            return
        generation = self._generation
        self.banner.setText("Đang tính kết quả xếp loại…")
        for button in (self.apply_button, self.tie_button, self.clear_button):
            button.setEnabled(False)  # until the round's grading is shown (then ``_banner`` decides)
        self._load = Op(
            self,
            "Đọc kết quả xếp loại",
            ctx=self.ctx,
            run=lambda db: results_service.results_view(db, round_id),
            on_done=lambda view: self._loaded(view, generation),
            on_error=lambda exc: self._load_failed(exc, generation),
        )
        self._load.in_background(progress_dialog=False).start()

    def busy(self) -> bool:
        """A grading is still running on a worker thread (tests wait on it)."""
        return any(op is not None and not op.done for op in (self._load, self._what_if))

    def _loaded(self, view: results_service.ResultsView, generation: int) -> None:
        if generation != self._generation:
            return  # the round changed or the data was written meanwhile: a newer read is on its way
        self.saved_rules = view.rules
        self.criteria = view.criteria
        self.baseline = view.baseline
        self._fill_rules(view.rules)
        self._saved_panel = self._panel_values()
        self._show(view.baseline)
        self._banner(view.saved, view.stale)
        if self._select_after is not None:
            self.select_dossier(self._select_after)
            self._select_after = None

    def _load_failed(self, error: BaseException, generation: int) -> None:
        if generation == self._generation:
            self.banner.setText(str(error))
            self.banner.setStyleSheet(f"color: {colours.TEXT_ERROR_DARK};")

    def _banner(self, saved: bool, stale: list[str]) -> None:
        status = self.ctx.round.status if self.ctx.round is not None else RoundStatus.OPEN
        locked = not round_lifecycle.allows(status, RoundAction.GRADE)
        parts = []
        style = f"color: {colours.TEXT_OK_DARK};"
        if status is RoundStatus.FINALIZED:
            parts.append("Đợt này đã chốt kết quả: chỉ xem.")
            style = f"color: {colours.TEXT_ERROR_DARK};"
        elif locked:
            parts.append(
                "Đợt đang nhận hồ sơ: xem thử được kết quả, nhưng chỉ lưu được khi đợt đã chuyển sang "
                "“Đang chấm điểm” (trang Cài đặt, phần Đợt)."
            )
            style = f"color: {colours.TEXT_WARNING_DARK};"
        elif not saved:
            parts.append(
                "Kết quả dưới đây tính theo điểm hiện có, chưa lưu. Nhấn “Lưu kết quả xếp loại” khi Hội đồng thống nhất."
            )
            style = f"color: {colours.TEXT_WARNING_DARK};"
        elif stale:
            parts.append(
                f"Điểm hoặc quy tắc đã thay đổi sau lần lưu: {len(stale)} hồ sơ ({', '.join(stale[:8])}"
                + ("…" if len(stale) > 8 else "")
                + ") có kết quả khác bản đã lưu. Hãy lưu lại."
            )
            style = f"color: {colours.TEXT_ERROR_DARK}; font-weight: bold;"
        else:
            parts.append("Kết quả đã lưu khớp với điểm hiện tại.")
        if self.baseline is not None and self.baseline.grading.ties:
            groups = "; ".join(g.text() for g in self.baseline.grading.tie_groups())
            parts.append(
                f"Chưa quyết định: {groups}. Ghi thứ tự Hội đồng chọn bằng nút “Hội đồng quyết định đồng điểm…”; "
                "chưa in được quyết định, giấy chứng nhận, chưa chốt được đợt."
            )
            style = f"color: {colours.TEXT_ERROR_DARK}; font-weight: bold;"
        self.banner.setText(" ".join(parts))
        self.banner.setStyleSheet(style)
        self.apply_button.setEnabled(not locked)
        self.tie_button.setEnabled(not locked)
        self.clear_button.setEnabled(not locked and saved)

    def _fill_rules(self, rules: GradeRules) -> None:
        self._loading = True
        try:
            names = {cid: name for cid, name in self.criteria}
            self.bands.setRowCount(0)
            for b in rules.bands:
                self._append_band(
                    b.code,
                    b.label,
                    format_points(b.min_mean, None),
                    "" if b.quota is None else str(b.quota),
                    format_money(b.amount),
                    "; ".join(
                        f"{names.get(c.criterion, c.name)} ≥ {format_points(c.min_points, None)}"
                        for c in b.conditions
                    ),
                )
            self.certificate.setValue(float(rules.certificate_threshold))
            self.decimals.setValue(rules.decimals)
            self.tie_criterion.clear()
            self.tie_criterion.addItem("—", None)
            for cid, name in self.criteria:
                self.tie_criterion.addItem(name, cid)
            self.tie_policy.setCurrentIndex(self.tie_policy.findData(rules.tie_policy))
            self.tie_criterion.setCurrentIndex(max(0, self.tie_criterion.findData(rules.tie_break_criterion)))
        finally:
            self._loading = False

    def _append_band(self, *values: str) -> None:
        r = self.bands.rowCount()
        self.bands.insertRow(r)
        for c, v in enumerate(values):
            item = QTableWidgetItem(v)
            if c in (2, 3, 4):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.bands.setItem(r, c, item)

    def _add_band(self) -> None:
        self._loading = True
        self._append_band("", "", "", "", "0", "")
        self._loading = False
        self.bands.setCurrentCell(self.bands.rowCount() - 1, 0)

    def _remove_band(self) -> None:
        r = self.bands.currentRow()
        if r >= 0:
            self.bands.removeRow(r)
            self._changed()

    # what-if ----------------------------------------------------------------------------------------
    def _cell(self, r: int, c: int) -> str:
        item = self.bands.item(r, c)
        return item.text().strip() if item is not None else ""

    def _panel_values(self) -> PanelValues:
        """The what-if panel as typed (plain values: parsed off the GUI thread)."""
        return PanelValues(
            cells=tuple(
                tuple(self._cell(r, c) for c in range(self.bands.columnCount()))
                for r in range(self.bands.rowCount())
            ),
            certificate=round(self.certificate.value(), 2),
            decimals=self.decimals.value(),
            tie_policy=TiePolicy(self.tie_policy.currentData()),
            tie_criterion=self.tie_criterion.currentData(),
        )

    def rules_from_panel(self) -> GradeRules:
        """The what-if rules as typed; raises ValidationError naming the bad cell."""
        assert self.saved_rules is not None
        return parse_panel(self._panel_values(), self.saved_rules, self.criteria)

    def rules_changed(self) -> bool:
        """The panel differs from the saved rules as they were filled in."""
        return self.saved_rules is not None and self._panel_values() != self._saved_panel

    def _changed(self, *_: Any) -> None:
        if not self._loading:
            self._timer.start()

    def recompute(self) -> None:
        """Grade with the panel's rules (never written) on a worker thread and show who moves."""
        self._timer.stop()  # a recompute still pending from typing is this one
        round_id = self.ctx.round_id
        if round_id is None or self.baseline is None or self.saved_rules is None:
            return
        values, saved, criteria = self._panel_values(), self.saved_rules, list(self.criteria)
        self._what_if_seq += 1
        wanted = (self._generation, self._what_if_seq)

        def done(result: RoundGrading) -> None:
            if wanted == (self._generation, self._what_if_seq):  # the latest panel, the latest data
                self._show(result)

        def failed(error: BaseException) -> None:
            if wanted == (self._generation, self._what_if_seq):
                self.budget.setText(
                    f"<span style='color:{colours.TEXT_ERROR_DARK}'>{escape(str(error))}</span>"
                )

        self._what_if = Op(
            self,
            "Thử quy tắc xếp loại",
            ctx=self.ctx,
            run=lambda db: results_service.what_if(db, round_id, parse_panel(values, saved, criteria)),
            on_done=done,
            on_error=failed,
        )
        self._what_if.in_background(progress_dialog=False).start()

    def _show(self, result: RoundGrading) -> None:
        self.current = result
        assert self.baseline is not None
        self.moves = {m.key: m for m in compare(self.baseline.grading, result.grading)}
        keep = self.table.current_record()
        self.model.set_records(result.rows)
        if keep is not None:
            self.select_dossier(keep.dossier_id)
        elif result.rows:
            self.table.selectRow(0)
        self._show_detail()
        self.summary.setText(f"{result.round_label}: {result.summary()}")
        self.budget.setText(self._budget_text(result))
        self.moves_list.clear()
        for m in self.moves.values():
            change = m.reward_after - m.reward_before
            money = f" ({'+' if change > 0 else '−'}{format_money(abs(change))} đ)" if change else ""
            if m.tie_after:  # undecided: no amount yet
                others = " hoặc ".join(m.possible_after[1:])
                self.moves_list.addItem(
                    f"{m.code}: {m.before} → {m.after} hoặc {others} (đồng điểm, chờ Hội đồng)"
                )
            else:
                self.moves_list.addItem(f"{m.code}: {m.before} → {m.after}{money}")
        if not self.moves:
            self.moves_list.addItem("Không hồ sơ nào thay đổi.")

    def _budget_text(self, result: RoundGrading) -> str:
        """The total, the undecided part, the change from the saved rules and the amount per grade, each
        on its own line; no amount is split over two lines (issue 18: the C amount was cut at 1366×768)."""
        assert self.baseline is not None
        lines = [f"Tổng tiền thưởng: <b>{format_money(result.budget)} đ</b>"]
        if result.grading.ties:
            lines.append(f"+ <b>{format_money(result.grading.undecided_budget)} đ</b> chờ Hội đồng chọn")
        if result.budget != self.baseline.budget:
            delta = result.budget - self.baseline.budget
            sign = "+" if delta > 0 else "−"
            lines.append(
                f"(theo quy tắc đã lưu: {format_money(self.baseline.budget)} đ; "
                f"{sign}{format_money(abs(delta))} đ)"
            )
        by_grade = result.grading.budget_by_grade()
        if by_grade:  # "A: 6.000.000 đ · B: …": a line breaks between grades, never inside an amount
            lines.append(
                " · ".join(f"{code}:&nbsp;{format_money(amount)}&nbsp;đ" for code, amount in by_grade.items())
            )
        return "<br>".join(lines)

    def revert_rules(self) -> None:
        if self.saved_rules is not None and self.baseline is not None:
            self._timer.stop()
            self._what_if_seq += 1  # a what-if still running is no longer wanted
            self._fill_rules(self.saved_rules)
            self._show(self.baseline)

    # actions ----------------------------------------------------------------------------------------
    def _change(self, title: str, run: Any, on_done: Any = None) -> Op:
        """Start a data-changing action whose service returns a ``results.Change``: Ctrl+Z puts the rows
        back as they were (one transaction), Ctrl+Y as they were after it (one transaction)."""
        latest: dict[str, results_service.Change] = {}

        def remember(change: results_service.Change) -> results_service.Change:
            latest["change"] = change
            return change

        def undo(db: Database, change: results_service.Change) -> None:
            remember(results_service.restore(db, change.before, f"Hoàn tác: {title}"))

        def redo(db: Database) -> results_service.Change:
            # the state undo replaced: the rows as the action left them
            return remember(results_service.restore(db, latest["change"].before, f"Làm lại: {title}"))

        return Op(
            self,
            title,
            ctx=self.ctx,
            area="results",
            run=lambda db: remember(run(db)),
            undo=undo,
            redo=redo,
            on_done=on_done,
        ).start()

    def apply(self) -> None:
        round_id = self.ctx.round_id
        if round_id is None or self.current is None or self.saved_rules is None:
            return
        changed = self.rules_changed()
        values, saved, criteria = self._panel_values(), self.saved_rules, list(self.criteria)
        text = f"Lưu kết quả xếp loại của {self.current.round_label}?\n\n{self.current.summary()}"
        if changed:
            text += "\n\nQuy tắc xếp loại đã thay đổi sẽ được lưu cho đợt này."
        if self.current.grading.ties:
            text += (
                "\n\nCòn hồ sơ đồng điểm chờ Hội đồng quyết định: kết quả lưu vẫn đánh dấu đồng điểm, chưa in được "
                "quyết định và giấy chứng nhận cho tới khi ghi thứ tự Hội đồng chọn."
            )
        if not messages.confirm(self, text):
            return
        self._change(
            "Lưu kết quả xếp loại",
            lambda db: results_service.save_results(
                db, round_id, parse_panel(values, saved, criteria) if changed else None
            ),
        )

    def clear_saved(self) -> None:
        round_id = self.ctx.round_id
        if round_id is None:
            return
        if not messages.confirm(self, "Xóa kết quả xếp loại đã lưu của đợt này?", destructive=True):
            return
        self._change("Xóa kết quả xếp loại đã lưu", lambda db: results_service.clear_results(db, round_id))

    def decide_ties(self) -> None:
        round_id = self.ctx.round_id
        if round_id is None or self.current is None:
            return
        rows = {r.code: r for r in self.current.rows}
        groups = [[rows[c] for c in g.codes] for g in self.current.grading.tie_groups()]
        dialog = TieDialog(groups, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if dialog.cleared:
            self._change("Bỏ các quyết định đồng điểm", lambda db: results_service.clear_ties(db, round_id))
            return
        order, note = dialog.order(), dialog.note.text()
        self._change(
            "Ghi quyết định đồng điểm", lambda db: results_service.decide_tie(db, round_id, order, note)
        )

    def record_vote(self) -> None:
        row = self.table.current_record()
        round_id = self.ctx.round_id
        if row is None or round_id is None:
            return
        active = operations.read(
            self, self.ctx.db, lambda db: results_service.active_members(db, round_id), 0
        )
        dialog = VoteDialog(row, active, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            self._select_after = row.dossier_id  # the refresh the vote causes selects it again
            op = self._change(
                f"Ghi biểu quyết hồ sơ {row.code}",
                partial(results_service.set_vote, dossier_id=row.dossier_id, **dialog.values()),
            )
            if op.ok:
                return
            self._select_after = None  # the dialog's values are refused: shown, then asked again

    def select_dossier(self, dossier_id: int) -> None:
        view_model = self.table.model()
        for r in range(view_model.rowCount()):
            record = self.table.proxy.record(r) if self.table.proxy is not None else self.model.record(r)
            if record.dossier_id == dossier_id:
                self.table.selectRow(r)
                return


class TieDialog(QDialog):
    """Order the dossiers of one tie group as the council decided, with a note on how."""

    def __init__(self, groups: list[list[ResultRow]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hội đồng quyết định hồ sơ đồng điểm")
        fit_to_screen(self, 640, 420)
        self.groups = groups
        self.cleared = False
        layout = QVBoxLayout(self)
        if not groups:
            layout.addWidget(QLabel("Hiện không có hồ sơ nào đồng điểm ở ranh giới số suất."))
        layout.addWidget(QLabel("Nhóm đồng điểm:"))
        self.group = QComboBox()
        for g in groups:
            self.group.addItem(f"{', '.join(r.code for r in g)}: {g[0].outcome.tie_note}")
        layout.addWidget(self.group)
        explain = QLabel(
            "Thứ tự Hội đồng xếp (trên cùng được xét trước): hồ sơ xếp trên nhận các suất còn lại, hồ sơ "
            "xếp sau xuống loại kế tiếp. Các hồ sơ khác không thay đổi."
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.order_list = QListWidget()
        self.order_list.setObjectName("tie_order")
        layout.addWidget(self.order_list, 1)
        move = QHBoxLayout()
        up = QPushButton("Lên")
        down = QPushButton("Xuống")
        move.addWidget(up)
        move.addWidget(down)
        move.addStretch(1)
        layout.addLayout(move)
        form = QFormLayout()
        self.note = QLineEdit()
        self.note.setObjectName("tie_note")
        self.note.setPlaceholderText("Ví dụ: biểu quyết 5/7 tại cuộc họp ngày 20/5")
        form.addRow("Cách Hội đồng quyết định:", self.note)
        layout.addLayout(form)
        buttons = vn_buttons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        clear = buttons.addButton("Bỏ mọi quyết định đồng điểm", QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        clear.clicked.connect(self._clear)
        layout.addWidget(buttons)
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        self.group.currentIndexChanged.connect(self._fill)
        self._fill()
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(groups))

    def _fill(self, *_: Any) -> None:
        self.order_list.clear()
        if self.groups:
            for r in self.groups[self.group.currentIndex()]:
                self.order_list.addItem(f"{r.code} — {r.title}")

    def _move(self, step: int) -> None:
        r = self.order_list.currentRow()
        t = r + step
        if r < 0 or not 0 <= t < self.order_list.count():
            return
        item = self.order_list.takeItem(r)
        self.order_list.insertItem(t, item)
        self.order_list.setCurrentRow(t)

    def _clear(self) -> None:
        self.cleared = True
        self.accept()

    def order(self) -> list[str]:
        return [self.order_list.item(i).text().split(" — ")[0] for i in range(self.order_list.count())]


class VoteDialog(QDialog):
    """The council's vote on recognizing one dossier."""

    def __init__(self, row: ResultRow, active: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Biểu quyết công nhận hồ sơ {row.code}")
        form = QFormLayout(self)
        title = QLabel(row.title)
        title.setWordWrap(True)
        form.addRow(title)
        vote = row.vote
        self.total = QSpinBox()
        self.total.setRange(0, 99)
        self.total.setValue(vote.members_total if vote else active)
        self.present = QSpinBox()
        self.present.setObjectName("vote_present")
        self.present.setRange(0, 99)
        self.present.setValue(vote.present if vote else active)
        self.in_favour = QSpinBox()
        self.in_favour.setObjectName("vote_for")
        self.in_favour.setRange(0, 99)
        self.in_favour.setValue(vote.in_favour if vote else 0)
        self.against = QSpinBox()
        self.against.setObjectName("vote_against")
        self.against.setRange(0, 99)
        self.against.setValue(vote.against if vote else 0)
        self.method = QComboBox()
        for m in VoteMethod:
            self.method.addItem(m.label, m)
        if vote:
            self.method.setCurrentIndex(self.method.findData(vote.method))
        self.note = QLineEdit(vote.note if vote else "")
        form.addRow("Tổng số thành viên Hội đồng:", self.total)
        form.addRow("Số có mặt:", self.present)
        form.addRow("Số tán thành:", self.in_favour)
        form.addRow("Số không tán thành:", self.against)
        form.addRow("Hình thức:", self.method)
        form.addRow("Ghi chú:", self.note)
        buttons = vn_buttons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        return {
            "present": self.present.value(),
            "in_favour": self.in_favour.value(),
            "against": self.against.value(),
            "members_total": self.total.value(),
            "method": VoteMethod(self.method.currentData()),
            "note": self.note.text(),
        }
