"""Every colour the window uses, by what it means (hex strings; ``QColor(colours.X)`` where a QColor is needed).

Text on the window's light background, tinted backgrounds of table cells and fields, the demo banner and
the charts. A page uses these names, never a ``#rrggbb`` literal (``tests/test_architecture.py`` lists the
files still to convert).
"""

from __future__ import annotations

# text -------------------------------------------------------------------------------------------------
TEXT_DARK = "#212529"  # on the demo banner
TEXT_BODY = "#333333"  # a detail line slightly softer than the default text
TEXT_MUTED = "#555555"  # notes, legends, a finalized round
TEXT_SECONDARY = "#41464b"  # "đã xác nhận không trùng"
TEXT_ERROR = "#b02a37"  # an error line, a refused file, the network-folder warning
TEXT_ERROR_DARK = "#842029"  # an error or an overdue clock inside a form
TEXT_ERROR_SETTINGS = "#b00020"  # the council settings' "cannot save" line
TEXT_OK = "#146c43"  # "hợp lệ", a check passed
TEXT_OK_DARK = "#0f5132"  # saved, on time
TEXT_WARNING = "#997404"  # a warning in an import or a registration
TEXT_WARNING_DARK = "#664d03"  # a provisional result
TEXT_WARNING_SETTINGS = "#8a6d00"  # the council settings' warnings
TEXT_ATTENTION = "#8a5300"  # a clock that needs attention, a flagged field
TEXT_INFO = "#0a58ca"  # an informative note in an import preview

ROUND_OPEN = "#1b6e20"
ROUND_SCORING = "#8a5a00"
ROUND_FINALIZED = TEXT_MUTED

# backgrounds ------------------------------------------------------------------------------------------
BACKGROUND_WARNING = "#fff3cd"  # missing, tied, to check
BACKGROUND_ERROR = "#f8d7da"  # wrong, refused, a conflict
BACKGROUND_OK = "#d1e7dd"  # assigned, recognized, valid
BACKGROUND_MUTED = "#e9ecef"  # not assigned, withdrawn, no score
BACKGROUND_FLAG = "#ffe5b4"  # an override, a spread above the limit
BACKGROUND_MOVED = "#cfe2ff"  # a result moved by a decision
BACKGROUND_CONFIRMED = "#e2e3e5"  # a registration confirmed "không trùng"
BACKGROUND_COMPLETE = "#e2f0fb"  # a complete dossier
DEMO_BANNER = "#f59f00"  # "DỮ LIỆU MẪU"
PREVIEW_BACKDROP = "#808080"  # around a page in the header preview

# charts -----------------------------------------------------------------------------------------------
CHART_GREY = "#90a4ae"
CHART_BLUE = "#4f81bd"
CHART_GREEN = "#2e7d32"
CHART_RED = "#c0504d"
CHART_AMBER = "#f2a93b"
CHART_AXIS = "#9e9e9e"
CHART_PALETTE = (CHART_GREY, CHART_BLUE, CHART_GREEN, CHART_RED, CHART_AMBER)
