"""Write the unit corpus of issue 16 (the acceptance files of ``tests/test_unit_corpus.py``) into a folder, to
open them in Excel/Word/LibreOffice or import them by hand:

    python scripts/make_unit_corpus.py OUT_FOLDER        # .xls/.ods/.doc/.odt/.rtf too when LibreOffice is installed
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers import unit_corpus


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    folder = Path(argv[0])
    cases = unit_corpus.build(folder)
    if shutil.which("soffice"):
        unit_corpus.convert(folder, cases)
    for case in cases:
        extra = f" ({' '.join(case.args)})" if case.args else ""
        print(f"{case.name}{extra}: {case.covers}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
