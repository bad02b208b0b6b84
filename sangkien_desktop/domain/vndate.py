"""Vietnamese dates as written on administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I, II.4.b).

The one place that turns a ``date`` into text and text into a ``date``.

Leading-zero rule of NĐ 30, used by every form below except :func:`dmy`: a day below 10 and the months
1 and 2 take a leading zero; months 3 to 12 do not. So "ngày 05 tháng 01 năm 2025", "ngày 28 tháng 02
năm 2023", "ngày 26 tháng 7 năm 2024", and in the short form "05/01/2025", "28/02/2023", "26/7/2024",
"05/3/2020" (this is how legal texts cite each other: "Nghị định số 13/2012/NĐ-CP ngày 02/3/2012").

:func:`dmy` is the fixed-width form for table cells: always two-digit day and month ("26/07/2024").
"""

from __future__ import annotations

import calendar
import re
from datetime import date

__all__ = [
    "BLANK",
    "add_months",
    "date_line",
    "day_text",
    "dmy",
    "long_date",
    "month_text",
    "parse_date",
    "short_date",
]

BLANK = " " * 6
"""What stands in for a day or month left to be filled in by hand (six spaces)."""


def day_text(day: int) -> str:
    """Day of month per NĐ 30: "05" for 5, "26" for 26."""
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Month per NĐ 30: "01" and "02" for January and February, "3" … "12" for the others."""
    return f"{month:02d}" if month <= 2 else str(month)


def long_date(d: date) -> str:
    """ "ngày 26 tháng 7 năm 2024" / "ngày 05 tháng 01 năm 2025" (lower case, NĐ 30 leading zeros)."""
    return f"ngày {day_text(d.day)} tháng {month_text(d.month)} năm {d.year}"


def date_line(place: str, d: date | None, year: int | None = None) -> str:
    """The italic line under the motto: "Tam Điệp, ngày 05 tháng 01 năm 2025".

    With ``d`` None the day and month are left blank to be written by hand:
    "Tam Điệp, ngày      tháng      năm 2026" (``year`` fills the year; without it the year is blank too).
    With an empty ``place`` the line starts "Ngày …".
    """
    place = place.strip()
    if d is not None:
        body = long_date(d)
    else:
        year_text = str(year) if year is not None else BLANK
        body = f"ngày{BLANK}tháng{BLANK}năm {year_text}"
    if not place:
        return body[0].upper() + body[1:]
    return f"{place}, {body}"


def short_date(d: date) -> str:
    """ "26/7/2024", "05/01/2025", "05/3/2020": the form used in căn cứ lines, with NĐ 30 leading zeros."""
    return f"{day_text(d.day)}/{month_text(d.month)}/{d.year}"


def dmy(d: date) -> str:
    """ "26/07/2024": fixed-width day/month/year for table cells."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


_DMY = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4})")
_YMD = re.compile(r"(\d{4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,2})")


def parse_date(text: str) -> date:
    """Read a date typed by a person: "26/7/2024", "26-07-2024", "26.7.2024" or "2024-07-26".

    Day comes before month (never the US order). A two-digit year is refused, because it is ambiguous.
    Raises ValueError with a Vietnamese message.
    """
    raw = str(text).strip()
    m = _DMY.fullmatch(raw)
    if m:
        day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    else:
        m = _YMD.fullmatch(raw)
        if not m:
            raise ValueError(
                f"Không đọc được ngày «{raw}». Hãy nhập theo dạng ngày/tháng/năm, ví dụ 26/7/2024."
            )
        year, month, day = int(m.group(1)), int(m.group(3)), int(m.group(4))
    if not 1 <= month <= 12:
        raise ValueError(f"Ngày «{raw}» không hợp lệ: tháng phải từ 1 đến 12.")
    if year < 1:
        raise ValueError(f"Ngày «{raw}» không hợp lệ: năm không đúng.")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(f"Ngày «{raw}» không tồn tại: tháng {month} năm {year} có {last} ngày.")
    return date(year, month, day)


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` calendar months (``n`` may be negative), clamped to the end of the month.

    30/11/2024 + 3 → 28/02/2025; 31/3/2025 − 1 → 28/02/2025. Used for legal clocks such as
    "within 3 months of accepting the dossier".
    """
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    month = month0 + 1
    if not 1 <= year <= 9999:
        raise ValueError("Kết quả cộng tháng nằm ngoài khoảng năm 1–9999.")
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)
