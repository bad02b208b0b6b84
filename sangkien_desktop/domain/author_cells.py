"""Reading a Tác giả cell as units write it.

- "Nguyễn Văn An, Hiệu trưởng, Trường THCS Bắc Sơn" is one author with a position and a unit; "Nguyễn Văn An,
  Trần Thị Bình" two authors. Commas, semicolons, line breaks, "+" and "và" separate authors; a part that reads
  as a position or a unit belongs to the author before it.
- Forms of address and ranks ("Đ/c", "Thầy", "Cô", "Đại úy", "ThS." …) and a "- chức vụ" suffix are taken off
  the name and kept as the position; a bracket after the name is a position when it reads as one, else a note
  (often another unit).
- A name written in capitals ("NGUYỄN VĂN AN") is stored in title case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import clean, nfc, one_line

_PREFIXES = (
    "đ/c", "đc", "đồng chí", "thầy giáo", "cô giáo", "thầy", "cô", "ông", "bà", "anh", "chị",
    "thiếu úy", "trung úy", "thượng úy", "đại úy", "thiếu tá", "trung tá", "thượng tá", "đại tá",
    "thiếu tướng", "trung tướng", "thượng tướng", "đại tướng", "binh nhì", "binh nhất", "hạ sĩ", "trung sĩ",
    "thượng sĩ", "pgs.ts.", "pgs. ts.", "gs.ts.", "ts.", "ths.", "ths", "ks.", "bs.", "cn.", "ds.", "nsưt", "ngưt",
)  # fmt: skip
_PREFIX = re.compile(
    r"^\s*("
    + "|".join(re.escape(p) for p in sorted(_PREFIXES, key=len, reverse=True))
    + r")(?=[\s.:]|$)[\s.:]*",
    re.IGNORECASE,
)
# Positions and units, compared in lower case WITH accents: "Tổ" is a unit, "Tô" a family name; "Trường" a
# school, "Trương" a family name.
_POSITIONS = (
    "hiệu trưởng",
    "phó hiệu trưởng",
    "giáo viên",
    "gv",
    "tổ trưởng",
    "tổ phó",
    "trưởng phòng",
    "phó trưởng phòng",
    "chuyên viên",
    "cv",
    "kế toán",
    "nhân viên",
    "chủ tịch",
    "phó chủ tịch",
    "bí thư",
    "phó bí thư",
    "giám đốc",
    "phó giám đốc",
    "trưởng khoa",
    "phó trưởng khoa",
    "bác sĩ",
    "bác sỹ",
    "điều dưỡng",
    "y sĩ",
    "y sỹ",
    "dược sĩ",
    "cán bộ",
    "công chức",
    "viên chức",
    "thư ký",
    "văn thư",
    "trưởng ban",
    "phó ban",
    "phó trưởng ban",
    "chỉ huy trưởng",
    "chỉ huy phó",
    "đội trưởng",
    "đội phó",
    "tổng phụ trách",
    "thủ quỹ",
    "thủ thư",
    "thư viện",
    "kỹ thuật viên",
    "trưởng trạm",
    "phó trưởng trạm",
    "trưởng",
    "phó",
    "ủy viên",
    "uỷ viên",
    "chánh văn phòng",
    "phó chánh văn phòng",
    "chủ nhiệm",
    "giảng viên",
    "nghiên cứu viên",
    "trợ giảng",
    "trưởng nhóm",
    "cán sự",
    "hợp đồng",
    "nhân viên y tế",
    "gvcn",
    "gvbm",
    "tpt",
    "ht",
    "pht",
)
_UNITS = (
    "trường", "phòng", "ubnd", "ủy ban", "uỷ ban", "trung tâm", "công ty", "xã", "phường", "thị trấn", "ban",
    "văn phòng", "bệnh viện", "trạm", "khoa", "sở", "chi cục", "cục", "hội", "đảng ủy", "đảng uỷ", "mầm non",
    "tiểu học", "thcs", "thpt", "tổ", "công an", "ban chỉ huy", "hđnd", "mttq", "liên đoàn", "huyện", "tỉnh",
    "thành phố", "quận", "chi bộ", "viện", "đoàn thanh niên", "đoàn tncs", "hợp tác xã", "bộ phận",
)  # fmt: skip
_BRACKET = re.compile(r"^(.*?)\s*[(\[]\s*(.*?)\s*[)\]]\s*$")
_DASH_SUFFIX = re.compile(r"^(.*?\S)\s+[-–—]\s+(\S.*)$")
_NUMBERING = re.compile(r"^\s*\d+[.)]\s*")


@dataclass(frozen=True)
class Author:
    name: str
    position: str = ""  # chức vụ, or the form of address / rank taken off the name
    unit: str = ""  # đơn vị written in the cell
    note: str = ""  # a bracket that is not a position (often the author's unit)


def _keywords(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        "^(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?:$|[ .:])"
    )


_POSITION_START = _keywords(_POSITIONS)
_UNIT_START = _keywords(_UNITS)


def is_position(text: str) -> bool:
    key = one_line(text).lower().rstrip(" .:")
    return _POSITION_START.match(key) is not None or _PREFIX.fullmatch(one_line(text) + " ") is not None


def is_unit(text: str) -> bool:
    return _UNIT_START.match(one_line(text).lower().rstrip(" .:")) is not None


def looks_like_name(text: str) -> bool:
    """2 to 7 words of letters, each starting with a capital (or all in capitals), not a position or unit."""
    words = one_line(text).split(" ")
    if not 2 <= len(words) <= 7 or any(not w.isalpha() for w in words):
        return False
    return all(w[0].isupper() for w in words) and not is_unit(text) and not is_position(text)


def title_case(name: str) -> str:
    """ "NGUYỄN VĂN AN" → "Nguyễn Văn An"; a name already in mixed case is kept."""
    if not name.isupper():
        return name
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split(" "))


def _name_and_position(part: str) -> tuple[str, str, str, bool]:
    """(name, position, bracket note, position written explicitly?) of one name part."""
    text = one_line(part).strip(" .,;:-–")
    position = ""
    note = ""
    m = _BRACKET.match(text)
    if m and m.group(1).strip():
        text, inner = m.group(1).strip(), one_line(m.group(2))
        if is_position(inner):
            position = inner
        else:
            note = inner
    m = _DASH_SUFFIX.match(text)
    if m and not looks_like_name(m.group(2)):
        text, position = m.group(1), position or one_line(m.group(2))
    explicit = bool(position)
    prefix = _PREFIX.match(text)
    if prefix and text[prefix.end() :].strip():
        taken = one_line(prefix.group(1))
        text = text[prefix.end() :].strip()
        position = position or taken
    return title_case(one_line(text).strip(" .,;:-–")), position, note, explicit


def _chunks(text: str) -> list[str]:
    raw = nfc(text)
    raw = re.sub(r"(?im)^\s*[-–•+*]\s*", "\n", raw)
    raw = re.sub(r"\s+(và|va)\s+", "\n", raw, flags=re.IGNORECASE)
    raw = re.sub(r"\s+\+\s+", "\n", raw)
    return [c for c in re.split(r"[\n;]+", raw) if c.strip()]


def parse_author_cell(text: str | None) -> list[Author]:
    """Every author of a Tác giả cell, in order."""
    return list(_parse(text or ""))


@lru_cache(maxsize=8192)
def _parse(text: str) -> tuple[Author, ...]:
    authors: list[Author] = []
    for chunk in _chunks(text):
        chunk = _NUMBERING.sub("", chunk)
        parts = [p for p in (one_line(x) for x in re.split(r",(?![^()]*\))", chunk)) if p.strip(" .")]
        explicit = False
        for part in parts:
            bare = part.strip(" .")
            if authors and len(authors) > 0 and not looks_like_name(_PREFIX.sub("", bare)) and authors[-1:]:
                last = authors[-1]
                if is_unit(bare) and not last.unit:
                    authors[-1] = Author(last.name, last.position, bare, last.note)
                    continue
                if is_position(bare) and not explicit:
                    authors[-1] = Author(last.name, bare, last.unit, last.note)
                    explicit = True
                    continue
            name, position, note, explicit = _name_and_position(part)
            if name:
                authors.append(Author(name, position, "", note))
    return tuple(authors)


FORMS_OF_ADDRESS = frozenset(
    {"đ/c", "đc", "đồng chí", "thầy", "cô", "thầy giáo", "cô giáo", "ông", "bà", "anh", "chị"}
)


def canonical_authors(text: str | None) -> str:
    """The cell written the one way the app stores it: "Nguyễn Văn An - Hiệu trưởng (Trường THCS X), Thầy Trần
    Văn Bình" (names in title case, a position or rank after a dash, a form of address before the name, the unit
    in brackets). ``parse_author_cell`` reads it back to the same authors."""
    authors = parse_author_cell(text)
    written = one_line(text)
    if all(a.name in written and not a.position and not a.unit for a in authors):
        return clean(text)  # nothing to take off or re-case: the cell as the unit wrote it
    parts = []
    for author in authors:
        item = author.name
        if author.position and author.position.lower().strip(" .") in FORMS_OF_ADDRESS:
            item = f"{author.position} {author.name}"  # "Thầy Hoàng Minh Tú": read back as the position
        elif author.position:
            item += f" - {author.position}"
        note = author.unit or author.note
        if note:
            item += f" ({note})"
        parts.append(item)
    return ", ".join(parts)
