"""The live preview of how the council's documents print: the NĐ 30 header, căn cứ and signature of a
sample decision, rendered by the same code as every document (``services.settings_preview``) and shown as
an image of the PDF page.

Drawing it needs reportlab, its fonts and Qt's PDF engine (some 12 MB): they are imported when a preview is
first drawn. ``on_demand=True`` (Cài đặt → Hội đồng) draws nothing until the secretary asks for it (the button
in its place, or editing a field); from then on it follows every change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from .. import colours


def render_page(pdf: bytes, width: int, page: int = 0) -> QImage:
    """Page ``page`` of a PDF as an image ``width`` pixels wide (white background)."""
    from PySide6.QtPdf import QPdfDocument

    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    size = document.pagePointSize(page)
    height = round(width * size.height() / size.width()) if size.width() else width
    image = document.render(page, QSize(width, height))
    document.close()
    buffer.close()
    return image


def content_bottom(image: QImage) -> int:
    """The last pixel row with ink on it (found on a small copy of the page, so it is quick)."""
    small = image.scaledToWidth(80, Qt.TransformationMode.FastTransformation)
    factor = image.height() / max(1, small.height())
    for y in range(small.height() - 1, -1, -1):
        for x in range(small.width()):
            color = small.pixelColor(x, y)
            if color.alpha() > 128 and color.lightness() < 200:  # a transparent pixel is paper, not ink
                return int((y + 1) * factor)
    return image.height()


class HeaderPreview(QWidget):
    """Shows the sample decision for the values ``values_fn()`` returns; ``schedule()`` re-renders it after a
    short pause (typing does not re-render on every key), ``refresh()`` at once. With ``on_demand`` both wait
    until the preview is asked for (``show_preview``, its button, or ``follow_edit`` after an edit)."""

    def __init__(
        self,
        values_fn: Callable[[], dict[str, str]],
        parent: QWidget | None = None,
        *,
        crop: float = 0.35,
        show_signature: bool = False,
        on_demand: bool = False,
    ) -> None:
        super().__init__(parent)
        self.asked = not on_demand  # drawn (and kept up to date) once asked for
        self.show_signature = show_signature  # scrolled down to the signature block once painted
        self.values_fn = values_fn
        self.crop = crop  # at least this part of the page is shown; more when the text goes further
        self.pdf: bytes = b""
        self.image = QLabel()
        self.image.setObjectName("header_preview_image")
        self.image.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        scroll = self.scroll = QScrollArea()
        scroll.setWidget(self.image)
        self._bottom = 0
        if show_signature:  # kept there while the box is laid out and resized
            scroll.verticalScrollBar().rangeChanged.connect(lambda _lo, _hi: self._show_signature())
        scroll.setWidgetResizable(True)
        scroll.setStyleSheet(f"QScrollArea {{ background: {colours.PREVIEW_BACKDROP}; }}")
        caption = QLabel("Xem trước: phần đầu và chữ ký của văn bản khi in (khổ A4)")
        caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(caption)
        self.ask_button = QPushButton("&Hiện bản xem trước tiêu đề và chữ ký")
        self.ask_button.setObjectName("header_preview_ask")
        self.ask_button.clicked.connect(lambda _checked=False: self.show_preview())
        self.ask_button.setVisible(on_demand)
        layout.addWidget(self.ask_button)
        layout.addWidget(scroll, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(350)
        self._timer.timeout.connect(self.refresh)
        self.setMinimumWidth(360)

    def show_preview(self) -> None:
        """Draw the preview now and follow every change from then on."""
        self.asked = True
        self.ask_button.hide()
        self.refresh()

    def schedule(self) -> None:
        if self.asked:
            self._timer.start()

    def follow_edit(self) -> None:
        """A field was edited by hand: the secretary wants to see how it prints (asked for from now on)."""
        if not self.asked:
            self.asked = True
            self.ask_button.hide()
        self._timer.start()

    def refresh(self) -> None:
        self._timer.stop()
        if not self.asked:
            return
        from ...services import settings_preview  # reportlab and its fonts: read for the first preview

        self.pdf = settings_preview.preview_pdf(self.values_fn(), date=dt.date.today())
        self._paint()

    def _paint(self) -> None:
        if not self.pdf:
            return
        width = max(360, self.image.width() - 8)
        image = render_page(self.pdf, width)
        bottom = content_bottom(image)
        height = min(image.height(), max(int(image.height() * self.crop), bottom + 12))
        image = image.copy(0, 0, image.width(), height)
        self.image.setPixmap(QPixmap.fromImage(image))
        self.image.setMinimumHeight(height)  # taller than the box: it scrolls instead of cutting the end off
        if self.show_signature:  # the signature block (the last text on the page) at the bottom of the box
            self._bottom = bottom
            self._show_signature()

    def _show_signature(self) -> None:
        """Scrolled (once laid out) so that the last line of text sits at the bottom of the box."""
        bar = self.scroll.verticalScrollBar()
        bar.setValue(min(max(0, self._bottom + 24 - self.scroll.viewport().height()), bar.maximum()))

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self._paint()
