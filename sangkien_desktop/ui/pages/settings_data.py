"""Cài đặt → Dữ liệu: where the data is, the notice for a file on a network folder, and the one step to a
shared PostgreSQL server (the same service as ``sangkien move-to``)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services import move_to_server
from .. import colours, messages
from ..context import AppContext
from ..workers import Progress, run_in_background

WARNING_STYLE = f"color: {colours.TEXT_ERROR}; font-weight: bold;"


class DataTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        db = ctx.db
        where = QFormLayout()
        where.addRow("Cơ sở dữ liệu:", _selectable(db.description))
        kind = "máy chủ PostgreSQL" if not db.is_sqlite else "tệp SQLite"
        if db.network is not None:
            kind += f" trên thư mục mạng ({db.network.text})"
        where.addRow("Loại:", _selectable(kind))
        where.addRow("Thư mục sao lưu mặc định:", _selectable(str(db.default_backup_dir())))
        head, _, way = db.network_notice.partition("\n")
        self.notice = QLabel(
            f'<span style="{WARNING_STYLE}">{html.escape(head)}</span><br>{html.escape(way)}'
        )
        self.notice.setObjectName("network_notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(bool(db.network_notice))
        layout = QVBoxLayout(self)
        layout.addLayout(where)
        layout.addWidget(self.notice)
        layout.addWidget(self._build_move_box())
        layout.addStretch(1)

    def _build_move_box(self) -> QGroupBox:
        box = QGroupBox("Chuyển lên máy chủ PostgreSQL (nhiều máy dùng chung)")
        intro = QLabel(
            "Chép toàn bộ dữ liệu của tệp này vào một cơ sở dữ liệu PostgreSQL trống trên máy chủ của cơ quan, "
            "kiểm tra số dòng từng bảng và chuỗi nhật ký trên máy chủ, rồi để tệp chỉ đọc (kèm một ghi chú). "
            "Sau đó mỗi máy mở phần mềm với địa chỉ máy chủ. Các bước cài máy chủ: README, mục “Dùng chung "
            "trong cơ quan”."
        )
        intro.setWordWrap(True)
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("server_url")
        self.url_edit.setPlaceholderText(move_to_server.EXAMPLE_URL)
        self.move_button = QPushButton("Chuyển lên máy chủ…")
        self.move_button.setObjectName("move_to_server")
        self.move_button.clicked.connect(lambda _checked=False: self.move_to_server())
        row = QHBoxLayout()
        row.addWidget(QLabel("Địa chỉ máy chủ:"))
        row.addWidget(self.url_edit, 1)
        row.addWidget(self.move_button)
        self.result = QPlainTextEdit()
        self.result.setObjectName("move_result")
        self.result.setReadOnly(True)
        self.result.setVisible(False)
        inner = QVBoxLayout(box)
        inner.addWidget(intro)
        inner.addLayout(row)
        inner.addWidget(self.result)
        if not self.ctx.db.is_sqlite:
            box.setEnabled(False)
            intro.setText("Dữ liệu đã ở trên máy chủ PostgreSQL: nhiều máy dùng chung được.")
        return box

    def load(self) -> None:
        """Nothing to reload (kept for the settings page's tab protocol)."""

    def move_to_server(self) -> None:
        text = self.url_edit.text().strip()
        try:
            url = move_to_server.parse_server_url(text or "")
        except move_to_server.MoveError as exc:
            messages.show_error(self, exc)
            return
        shown = url.render_as_string(hide_password=True)
        if not messages.confirm(
            self,
            f"Chuyển toàn bộ dữ liệu lên {shown}?\n\nSau khi chuyển, tệp {self.ctx.db.description} chỉ còn để "
            "đọc và phần mềm sẽ đóng; mở lại với địa chỉ máy chủ.",
        ):
            return
        db = self.ctx.db

        def work(progress: Progress) -> move_to_server.MoveResult:
            return move_to_server.move_to_server(db, url, step=lambda message: progress.report(0, 0, message))

        self.job = run_in_background(self, "Chuyển lên máy chủ", work, on_done=self._moved)

    def _moved(self, result: move_to_server.MoveResult) -> None:
        text = "\n".join(result.summary_lines())
        self.result.setPlainText(text)
        self.result.setVisible(True)
        self.move_button.setEnabled(False)
        messages.show_info(self, text + "\n\nPhần mềm sẽ đóng bây giờ.")
        window = self.window()
        if window is not self:
            window.close()


def _selectable(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
