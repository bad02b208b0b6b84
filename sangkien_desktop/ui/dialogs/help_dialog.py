"""Trợ giúp → Hướng dẫn sử dụng: the Vietnamese user guide (``docs/huong-dan.md``) with its screenshots,
shown in the app."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImageReader,
    QResizeEvent,
    QShowEvent,
    QTextCursor,
)
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ... import paths
from ..screen_fit import fit as fit_to_screen

GUIDE_NAME = "huong-dan.md"


def guide_path() -> Path:
    """``docs/huong-dan.md`` of a checkout, or the copy bundled next to ``resources/`` when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = [Path(frozen_root) / "docs"] if frozen_root else []
    candidates += [paths.PACKAGE_DIR.parent / "docs", paths.resources_dir().parent / "docs"]
    for folder in candidates:
        if (folder / GUIDE_NAME).is_file():
            return folder / GUIDE_NAME
    return candidates[0] / GUIDE_NAME


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hướng dẫn sử dụng")
        fit_to_screen(self, 980, 760)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide_browser")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        path = guide_path()
        if path.is_file():
            self.browser.setSearchPaths([str(path.parent)])
            self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(path.parent) + "/"))
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
            self._natural: dict[str, QSize] = {}
        else:
            self.browser.setPlainText(f"Không tìm thấy tệp hướng dẫn ({path}).")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_images()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_images()

    def fit_images(self) -> None:
        """Shrink screenshots wider than the window so the guide reads without scrolling sideways. The images'
        sizes come from their file headers (nothing decoded until a picture scrolls into view), and all formats
        change in one edit block, only when the room changed: opening the guide never stalls the window."""
        document = self.browser.document()
        room = max(200, self.browser.viewport().width() - 40)
        if room == getattr(self, "_room", None):
            return
        self._room = room
        natural: dict[str, QSize] = getattr(self, "_natural", {})
        base = guide_path().parent
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        block = document.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fragment.isValid() and fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    name = image.name()
                    if name not in natural:
                        natural[name] = QImageReader(str(base / QUrl(name).path())).size()
                    size = natural[name]
                    if size.isValid() and size.width() > 0:
                        width = min(size.width(), room)
                        image.setWidth(width)
                        image.setHeight(size.height() * width / size.width())
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(
                            fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                        )
                        cursor.setCharFormat(image)
                it += 1
            block = block.next()
        cursor.endEditBlock()
        self._natural = natural

    def _link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        elif url.hasFragment() and not url.path():
            self.browser.scrollToAnchor(url.fragment())
        else:
            self.browser.setSource(url)
