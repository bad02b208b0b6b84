"""Hostile files for the bounded-work tests (issue 17 §4): small on disk, huge once read."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from tests.helpers.registration_files import write_docx, write_xlsx


def _rezip(base: Path, out: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
    return out


def long_cells_xlsx(path: Path, chars: int = 100_000) -> Path:
    """A small workbook whose cells hold 100,000 characters each (more than Excel itself allows), full of
    the separators header matching splits on (such cells took difflib 251 s)."""
    base = write_xlsx(path.with_name("base-" + path.name), year=2026)
    text = escape(("Tên sáng kiến/Tác giả\n" * (chars // 22 + 1))[:chars])
    cell = f'<c t="inlineStr"><is><t>{text}</t></is></c>'
    rows = "".join(f'<row r="{r}">{cell * 6}</row>' for r in range(1, 8))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )
    return _rezip(base, path, {"xl/worksheets/sheet1.xml": sheet.encode()})


def _noise(rng: random.Random, n: int) -> str:
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=n))


def huge_styles_xlsx(path: Path, megabytes: int = 61) -> Path:
    """A registration table whose xl/styles.xml is ``megabytes`` MB of cell formats (a small zip)."""
    base = write_xlsx(path.with_name("base-" + path.name), year=2026)
    rng = random.Random(17)
    fonts = "".join(f'<font><name val="F{_noise(rng, 12)}"/></font>' for _ in range(2000))
    # varied numbers in a block larger than deflate's window, repeated: packs like a real bloated file
    block = "".join(
        f'<xf numFmtId="{rng.randrange(200)}" fontId="{rng.randrange(2000)}" fillId="{rng.randrange(50)}" '
        f'borderId="{rng.randrange(90)}" xfId="0"/>'
        for _ in range(20_000)
    )
    repeat = megabytes * 1024 * 1024 // len(block) + 1
    styles = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<fonts count="2000">{fonts}</fonts><cellXfs count="{20_000 * repeat}">{block * repeat}</cellXfs>'
        "</styleSheet>"
    )
    return _rezip(base, path, {"xl/styles.xml": styles.encode()})


def huge_body_docx(path: Path, megabytes: int = 59) -> Path:
    """A registration table in Word whose word/document.xml is ``megabytes`` MB (paragraphs after it)."""
    base = write_docx(path.with_name("base-" + path.name), year=2026)
    with zipfile.ZipFile(base) as z:
        body = z.read("word/document.xml")
    rng = random.Random(59)
    words = ["Đổi", "mới", "sáng", "kiến", "giải", "pháp", "hiệu", "quả", "trường", "học"] + [
        _noise(rng, 6) for _ in range(400)
    ]
    block = "".join(
        f"<w:p><w:r><w:t>{' '.join(rng.choices(words, k=12))}</w:t></w:r></w:p>" for _ in range(20_000)
    )
    extra = block.encode() * (megabytes * 1024 * 1024 // len(block.encode()) + 1)
    cut = body.rindex(b"<w:sectPr")
    return _rezip(base, path, {"word/document.xml": body[:cut] + extra + body[cut:]})
