"""The bundled Liberation Serif fonts (metric-compatible with Times New Roman, SIL OFL) for reportlab.

Never draw text with reportlab's built-in Helvetica or Times: they have no Vietnamese glyphs and fail
silently (black boxes). Every style in :mod:`.styles` names one of the fonts registered here.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from sangkien_desktop.paths import resource_path

__all__ = [
    "BOLD",
    "BOLD_ITALIC",
    "FAMILY",
    "ITALIC",
    "REGULAR",
    "balance_lines",
    "font_name",
    "register_fonts",
    "text_width",
]

FAMILY = "LiberationSerif"
REGULAR = "LiberationSerif"
BOLD = "LiberationSerif-Bold"
ITALIC = "LiberationSerif-Italic"
BOLD_ITALIC = "LiberationSerif-BoldItalic"

_FILES = {
    REGULAR: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    ITALIC: "LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the four Liberation Serif styles as the family "LiberationSerif" (so <b> and <i> work
    inside a Paragraph). Safe to call any number of times, from any thread."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        known = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FILES.items():
            if name not in known:
                path = resource_path("fonts", filename)
                if not path.is_file():
                    raise FileNotFoundError(f"Thiếu tệp phông chữ {filename} trong thư mục {path.parent}")
                pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(
            FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        # registerFontFamily already maps these; addMapping also covers the lower-case family name
        # that Paragraph markup such as <font face="liberationserif"> may use.
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FAMILY.lower(), bold, italic, font_name(bold=bool(bold), italic=bool(italic)))
        _registered = True


def font_name(*, bold: bool = False, italic: bool = False) -> str:
    """The registered font name for a style."""
    if bold and italic:
        return BOLD_ITALIC
    if bold:
        return BOLD
    if italic:
        return ITALIC
    return REGULAR


def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """Width in points of one line of ``text``; also a good estimate for Times New Roman (same metrics)."""
    register_fonts()
    return pdfmetrics.stringWidth(text, font_name(bold=bold, italic=italic), size)


# Words that usually start the second line of a long body name ("ỦY BAN NHÂN DÂN / THÀNH PHỐ TAM ĐIỆP").
_BREAK_BEFORE = ("THÀNH PHỐ", "TỈNH", "HUYỆN", "QUẬN", "THỊ XÃ", "THỊ TRẤN", "PHƯỜNG", "XÃ", "ĐẶC KHU")


def balance_lines(lines: list[str], width: float, size: float, bold: bool = False) -> list[str]:
    """Split each line that is wider than ``width`` points into two balanced lines, preferring a break
    before an administrative level word ("ỦY BAN NHÂN DÂN / THÀNH PHỐ TAM ĐIỆP"). A line that cannot be
    split into two fitting lines is kept whole (it will wrap)."""
    out: list[str] = []
    for line in lines:
        if text_width(line, size, bold=bold) <= width:
            out.append(line)
            continue
        words = line.split(" ")
        best: tuple[float, str, str] | None = None
        preferred: tuple[float, str, str] | None = None
        for i in range(1, len(words)):
            first, second = " ".join(words[:i]), " ".join(words[i:])
            w = max(text_width(first, size, bold=bold), text_width(second, size, bold=bold))
            if w > width:
                continue
            if best is None or w < best[0]:
                best = (w, first, second)
            starts_level = any(second == k or second.startswith(k + " ") for k in _BREAK_BEFORE)
            if starts_level and (preferred is None or w < preferred[0]):
                preferred = (w, first, second)
        chosen = preferred or best
        out.extend([chosen[1], chosen[2]] if chosen else [line])
    return out
