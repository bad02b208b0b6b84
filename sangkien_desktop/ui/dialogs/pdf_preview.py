"""Preview exactly the PDF that will be printed, then print it or save it.

The document is the bytes a service produced (reportlab); the preview renders those bytes with QtPdf and
printing paints the same pages, so what is shown is what is printed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import SangKienError
from ...services.output import write_document
from .. import messages
from ..screen_fit import fit as fit_to_screen


class PdfPreviewDialog(QDialog):
    """``PdfPreviewDialog(pdf_bytes, "Sổ tiếp nhận", "so-tiep-nhan.pdf", parent).exec()``"""

    def __init__(self, pdf: bytes, title: str, suggested_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Xem trước — {title}")
        fit_to_screen(self, 900, 1000)
        self.pdf = pdf
        self.suggested_name = suggested_name
        self.saved_to: Path | None = None

        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a long document takes a moment to read
        try:
            self.document.load(self._buffer)
        finally:
            QApplication.restoreOverrideCursor()

        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        pages = self.document.pageCount()
        self.info = QLabel(f"{pages} trang")
        self.info.setObjectName("page_count")
        zoom_in = QPushButton("Phóng to")
        zoom_out = QPushButton("Thu nhỏ")
        fit = QPushButton("Vừa trang")
        zoom_in.clicked.connect(lambda: self._zoom(1.25))
        zoom_out.clicked.connect(lambda: self._zoom(0.8))
        fit.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        tools = QHBoxLayout()
        for w in (zoom_out, zoom_in, fit):
            tools.addWidget(w)
        tools.addStretch(1)
        tools.addWidget(self.info)

        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("&In…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.addButton("&Lưu PDF…", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("Đó&ng", QDialogButtonBox.ButtonRole.RejectRole)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_document)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_document)

        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.2, min(5.0, self.view.zoomFactor() * factor)))

    def save_document(self) -> Path | None:
        path = messages.ask_save_path(self, "Lưu tệp PDF", self.suggested_name, "Tệp PDF (*.pdf)")
        if path is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        try:
            write_document(path, self.pdf)
        except SangKienError as exc:
            messages.show_error(self, exc)
            return None
        self.saved_to = path
        return path

    def print_document(self) -> bool:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return print_pdf(self.document, printer)


def print_pdf(document: QPdfDocument, printer: QPrinter) -> bool:
    """Paint every page (or the chosen range) of ``document`` onto ``printer`` at the printer's resolution."""
    count = document.pageCount()
    if count == 0:
        return False
    first = max(1, printer.fromPage() or 1)
    last = min(count, printer.toPage() or count)
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        for number in range(first, last + 1):
            if number > first:
                printer.newPage()
            page_size = document.pagePointSize(number - 1)  # points (1/72 in)
            target = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
            scale = min(target.width() / page_size.width(), target.height() / page_size.height())
            size = QSize(int(page_size.width() * scale), int(page_size.height() * scale))
            image = document.render(number - 1, size)
            painter.drawImage(QPointF(target.left(), target.top()), image)
    finally:
        painter.end()
    return True


def preview_pdf(parent: QWidget | None, pdf: bytes, title: str, suggested_name: str) -> PdfPreviewDialog:
    """Open the preview (modal) and return the dialog once it is closed."""
    dialog = PdfPreviewDialog(pdf, title, suggested_name, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    dialog.exec()
    return dialog
