"""A small horizontal grouped bar chart drawn with QPainter (QtCharts is not in PySide6-Essentials).

Categories run down the left side (long Vietnamese labels are elided to fit), each with one bar per
series, the value written at the end of the bar, and a legend on top::

    chart = BarChart("Theo đợt")
    chart.set_data(["Đợt 1", "Đợt 2"], [Series("Nhận", QColor(colours.CHART_GREY), [40, 20]), ...])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .. import colours

__all__ = ["PALETTE", "BarChart", "Series"]

PALETTE = tuple(QColor(c) for c in colours.CHART_PALETTE)


@dataclass(frozen=True)
class Series:
    name: str
    color: QColor
    values: Sequence[float]


class BarChart(QWidget):
    BAR = 11  # px per bar
    GAP = 8  # px between categories

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.number_format = "{:,.0f}"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(120)

    def set_data(self, categories: Sequence[str], series: Sequence[Series], title: str | None = None) -> None:
        self.categories = list(categories)
        self.series = list(series)
        if title is not None:
            self.title = title
        self.updateGeometry()
        self.update()

    def values_text(self, value: float) -> str:
        return self.number_format.format(value).replace(",", ".")

    # geometry ---------------------------------------------------------------------------------------
    def _header_height(self) -> int:
        fm = QFontMetrics(self.font())
        return fm.height() * 2 + 10

    def sizeHint(self) -> QSize:
        per = max(1, len(self.series)) * self.BAR + self.GAP
        return QSize(420, self._header_height() + max(1, len(self.categories)) * per + 12)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, min(self.sizeHint().height(), 160))

    # painting ---------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(6, 4, -6, -4)
        fm = QFontMetrics(self.font())
        title_font = self.font()
        title_font.setBold(True)
        p.setFont(title_font)
        p.setPen(self.palette().windowText().color())
        p.drawText(rect.left(), rect.top() + fm.ascent(), self.title)
        p.setFont(self.font())
        # legend
        x = rect.left()
        y = rect.top() + fm.height() + 4
        for s in self.series:
            p.fillRect(QRectF(x, y + 2, 10, 10), s.color)
            p.setPen(self.palette().windowText().color())
            p.drawText(x + 14, y + fm.ascent(), s.name)
            x += 14 + fm.horizontalAdvance(s.name) + 14
        top = rect.top() + self._header_height()
        if not self.categories or not self.series:
            p.drawText(rect.left(), top + fm.ascent(), "Chưa có số liệu.")
            p.end()
            return
        label_w = min(int(rect.width() * 0.38), max(fm.horizontalAdvance(c) for c in self.categories) + 8)
        value_w = (
            fm.horizontalAdvance(self.values_text(max(max(s.values, default=0) for s in self.series))) + 8
        )
        plot_left = rect.left() + label_w
        plot_w = max(20, rect.width() - label_w - value_w)
        vmax = max((max(s.values, default=0) for s in self.series), default=0) or 1
        per = len(self.series) * self.BAR + self.GAP
        axis = QPen(QColor(colours.CHART_AXIS))
        p.setPen(axis)
        p.drawLine(plot_left, top - 2, plot_left, top + per * len(self.categories) - self.GAP + 2)
        for i, cat in enumerate(self.categories):
            cy = top + i * per
            p.setPen(self.palette().windowText().color())
            text = fm.elidedText(cat, Qt.TextElideMode.ElideRight, label_w - 8)
            block_h = len(self.series) * self.BAR
            p.drawText(
                QRectF(rect.left(), cy, label_w - 8, block_h),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
            for j, s in enumerate(self.series):
                value = s.values[i] if i < len(s.values) else 0
                w = plot_w * value / vmax
                bar = QRectF(plot_left + 1, cy + j * self.BAR + 1, max(w, 0.5 if value else 0), self.BAR - 2)
                p.fillRect(bar, s.color)
                p.setPen(self.palette().windowText().color())
                small = self.font()
                small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
                p.setFont(small)
                p.drawText(
                    QRectF(bar.right() + 3, bar.top() - 2, value_w, self.BAR + 2),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    self.values_text(value),
                )
                p.setFont(self.font())
        p.end()
