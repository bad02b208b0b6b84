"""Take the screenshots of the user guide (docs/huong-dan.md) from the real app.

Usage::

    python scripts/guide_screenshots.py [--out docs/img] [--xvfb]

It creates a fresh demo database in a temporary folder (``sangkien demo``, seed 1), opens the real main
window on it, visits every page (and the tabs and dialogs the guide shows), and saves one PNG per view into
``docs/img/``. The first-run wizard is shot on a second, empty database. ``--xvfb`` runs Qt on a private Xvfb
display (the xcb platform, as on a desktop); by default Qt renders offscreen. Pages that are still
placeholders are listed in ``docs/img/pages.json`` so the guide can say which steps are still to come.
Run it again whenever a page changes: the guide's image names stay the same.

The council, scoring, results, printing and safety pages are shown on the demo's round being scored
(round 1, every score typed), after saving its grades; the intake pages on the newest round (round 2, still
taking dossiers). Two backups are made and one paper sheet of round 2 is typed first, so the backup list and
the audit log look like a PC in use. Last year's decision list is imported on Cài đặt → Dữ liệu các năm
trước (its preview and the tab are shot). Image numbers: 0x wizard, 1x overview and settings, 2x registrations,
3x dossiers, 4x council, 5x scoring, 6x results, 7x printing, 8x search, 9x backups and audit log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the package of this checkout

SIZE = (1280, 800)
DIALOG_SIZE = (900, 640)


def start_xvfb() -> subprocess.Popen[bytes]:
    """Start Xvfb on a free display and point Qt at it."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb không có trên máy này; chạy lại không có --xvfb (Qt sẽ vẽ offscreen).")
    for display in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{display}").exists() and not Path(f"/tmp/.X{display}-lock").exists():
            break
    else:
        raise SystemExit("Không tìm được màn hình ảo trống cho Xvfb.")
    proc = subprocess.Popen(
        ["Xvfb", f":{display}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        if Path(f"/tmp/.X11-unix/X{display}").exists():
            break
        time.sleep(0.1)
    os.environ["DISPLAY"] = f":{display}"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    return proc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="thư mục ghi ảnh (docs/img)")
    parser.add_argument(
        "--xvfb", action="store_true", help="chạy Qt trên màn hình ảo Xvfb (mặc định: offscreen)"
    )
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="sangkien-guide-"))
    os.environ["SANGKIEN_DATA_DIR"] = str(work / "data")  # keep the user's data and settings untouched
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    for name in ("LOGNAME", "USER", "USERNAME"):  # the audit log's "who": a secretary's login, not root
        os.environ[name] = "thuky"
    xvfb = start_xvfb() if args.xvfb else None
    if xvfb is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        return shoot(args.out, work)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def shoot(out: Path, work: Path) -> int:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QWidget

    from sangkien_desktop import APP_AUTHOR, APP_NAME
    from sangkien_desktop.db.database import Database
    from sangkien_desktop.domain.enums import RoundStatus
    from sangkien_desktop.services import backup, demo, grading, scoring
    from sangkien_desktop.services.backup import BackupKind
    from sangkien_desktop.services.documents import catalog
    from sangkien_desktop.ui import translation
    from sangkien_desktop.ui.dialogs import first_run_wizard
    from sangkien_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
    from sangkien_desktop.ui.dialogs.help_dialog import HelpDialog
    from sangkien_desktop.ui.dialogs.new_round_dialog import NewRoundDialog
    from sangkien_desktop.ui.dialogs.pdf_preview import PdfPreviewDialog
    from sangkien_desktop.ui.dialogs.unit_dialogs import MergeDialog
    from sangkien_desktop.ui.fonts import register_fonts
    from sangkien_desktop.ui.main_window import MainWindow
    from sangkien_desktop.ui.pages import PAGE_SPECS
    from sangkien_desktop.ui.pages.base import PlaceholderPage
    from sangkien_desktop.ui.pages.council_page import AutoAssignDialog, CouncilPage
    from sangkien_desktop.ui.pages.documents_page import DocumentsPage
    from sangkien_desktop.ui.pages.results_page import ResultsPage, VoteDialog
    from sangkien_desktop.ui.pages.safety_page import SafetyPage
    from sangkien_desktop.ui.pages.scoring_page import ScoringPage
    from sangkien_desktop.ui.pages.settings_page import SettingsPage

    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    register_fonts(app)
    translation.install(app)  # Qt's own words in Vietnamese, as in the app (Có/Không, Hủy …)
    out.mkdir(parents=True, exist_ok=True)
    written: list[str] = []

    def settle(ms: int = 250) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(widget: QWidget, name: str) -> None:
        settle()
        path = out / name
        if not widget.grab().save(str(path), "PNG", 0):  # 0: smallest file
            raise SystemExit(f"Không ghi được {path}")
        written.append(name)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    # 1. the first-run wizard on an empty database
    empty = Database.open(work / "trong.db")
    wizard = FirstRunWizard(empty)
    wizard.resize(*DIALOG_SIZE)
    wizard.show()
    save(wizard, "01-trinh-huong-dan-chao-mung.png")
    wizard.next()
    values = {
        "issuing_parent": "ỦY BAN NHÂN DÂN XÃ VẠN PHÚC",
        "council_name": "Hội đồng Sáng kiến xã Vạn Phúc",
        "place_name": "Vạn Phúc",
        "standing_office": "Văn phòng HĐND và UBND xã",
        "chair_name": "Nguyễn Văn An",
        "secretary_name": "Trần Thị Bình",
        "head_name": "Lê Văn Cường",
    }
    for key, value in values.items():
        wizard.fields.editor(key).setText(value)  # type: ignore[attr-defined]
    save(wizard, "02-trinh-huong-dan-co-quan.png")
    wizard.next()
    save(wizard, "03-trinh-huong-dan-nguoi-ky.png")
    wizard.next()
    assert wizard.currentId() == first_run_wizard.PAGE_ISSUER
    save(wizard, "03a-trinh-huong-dan-ban-hanh.png")
    wizard.next()
    save(wizard, "04-trinh-huong-dan-can-cu.png")
    wizard.next()
    wizard.round_page.year.setValue(dt.date.today().year)
    save(wizard, "05-trinh-huong-dan-dot-dau-tien.png")
    wizard.next()
    assert wizard.currentId() == first_run_wizard.PAGE_FINISH
    save(wizard, "06-trinh-huong-dan-kiem-tra.png")
    wizard.close()
    empty.dispose()

    # 2. every page of the main window on the demo database
    db = Database.open(work / "sangkien.db")
    demo.create_demo(db, seed=1)
    # a PC in use has a few backups: the list on Sao lưu & Nhật ký is not empty
    backup.make_backup(db, BackupKind.STARTUP)
    backup.make_backup(db)
    window = MainWindow(db)
    window.resize(*SIZE)
    window.show()
    infos = window.ctx.reload_rounds()
    latest = window.ctx.round_id or infos[0].id  # the newest round (demo: round 2, still taking dossiers)
    # council, scoring, results, printing and finalizing are shown on a round being scored (demo: round 1,
    # every score typed); its grades are saved first, as the secretary does before printing the decision
    scored = next((r.id for r in infos if r.status is RoundStatus.SCORING), infos[-1].id)
    grading.apply_grading(db, scored)
    # ... and one paper sheet of the newest round has just been typed (the audit log shows score entries)
    matrix = scoring.get_matrix(db, latest)
    typed = scoring.missing_items(matrix)[0]
    for criterion in [c for c in matrix.criteria if c.name in typed.criteria]:
        value = (criterion.max_points * Decimal("0.8")).to_integral_value()
        scoring.save_score(db, latest, typed.member_id, typed.dossier_id, criterion.id, value)
    scored_pages = {"council", "scoring", "results", "documents", "safety"}
    placeholders: list[str] = []
    names = {
        "overview": "10-tong-quan.png",
        "registrations": "20-dang-ky.png",
        "dossiers": "30-ho-so.png",
        "council": "40-hoi-dong.png",
        "scoring": "50-cham-diem.png",
        "results": "60-ket-qua.png",
        "documents": "70-in-an.png",
        "search": "80-tra-cuu.png",
        "settings": "11-cai-dat-hoi-dong.png",
        "safety": "90-sao-luu.png",
    }
    searches = {"search": "so hoa"}  # pages shown with something typed in their first search field
    for key in [spec.key for spec in PAGE_SPECS]:
        window.reload_rounds(select_id=scored if key in scored_pages else latest)
        window.show_page(key)
        page = window.page(key)
        if isinstance(page, PlaceholderPage) or page.findChild(QLabel, "placeholder_message") is not None:
            placeholders.append(key)
        if key in searches:
            field = page.findChild(QLineEdit)
            if field is not None:
                field.setText(searches[key])
                settle(800)
        save(window, names.get(key, f"trang-{key}.png"))

    # 3. the main tabs and dialogs of the council, scoring, results, printing and safety pages
    window.reload_rounds(select_id=scored)
    # a confirmation as every page asks it: Có / Không (Vietnamese buttons, Không is the default)
    window.reload_rounds(select_id=latest)
    window.show_page("dossiers")
    confirm = QMessageBox(
        QMessageBox.Icon.Question,
        window.windowTitle(),
        "Xóa hồ sơ HS26-041 «Tổ chức ngày thứ Bảy xanh làm sạch kênh mương trên địa bàn»?\n\n"
        "Chỉ xóa hồ sơ nhập nhầm. Nếu tác giả rút hồ sơ, hãy đổi trạng thái sang «Rút hồ sơ». "
        "(Có thể hoàn tác bằng Ctrl+Z.)",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        window,
    )
    confirm.setDefaultButton(QMessageBox.StandardButton.No)
    confirm.show()
    save(confirm, "31-xac-nhan-co-khong.png")
    confirm.close()
    window.reload_rounds(select_id=scored)
    if "council" not in placeholders:
        council = window.page("council")
        assert isinstance(council, CouncilPage)
        window.show_page("council")
        council.tabs.setCurrentWidget(council.assignment_tab)
        save(window, "41-phan-cong-cham.png")
        council.tabs.setCurrentIndex(0)
        # the automatic assignment previewed on the newest round: 5 members per dossier, from scratch
        window.reload_rounds(select_id=latest)
        auto = AutoAssignDialog(window.ctx, window)
        auto.k_spin.setValue(5)
        auto.replace_box.setChecked(True)
        auto.show()
        save(auto, "42-phan-cong-tu-dong.png")
        auto.close()
        window.reload_rounds(select_id=scored)
    if "scoring" not in placeholders:
        scoring_page = window.page("scoring")
        assert isinstance(scoring_page, ScoringPage)
        window.show_page("scoring")
        scoring_page.mode_combo.setCurrentIndex(1)  # dossiers × members, one criterion
        save(window, "51-cham-diem-theo-tieu-chi.png")
        scoring_page.mode_combo.setCurrentIndex(0)
        # a sheet of the newest round with only the dossiers still lacking scores (yellow cells)
        window.reload_rounds(select_id=latest)
        lacking = scoring.missing_items(scoring.get_matrix(db, latest))
        if lacking:
            scoring_page.member_combo.setCurrentIndex(
                scoring_page.member_combo.findData(lacking[0].member_id)
            )
        scoring_page.missing_only.setChecked(True)
        save(window, "52-cham-diem-con-thieu.png")
        scoring_page.missing_only.setChecked(False)
        window.reload_rounds(select_id=scored)
    if "results" not in placeholders:
        results = window.page("results")
        assert isinstance(results, ResultsPage)
        window.show_page("results")
        results.table.selectRow(0)
        row = results.table.current_record()
        if row is not None:
            vote = VoteDialog(row, 7, window)
            vote.show()
            save(vote, "61-bieu-quyet.png")
            vote.close()
    if "documents" not in placeholders:
        documents = window.page("documents")
        assert isinstance(documents, DocumentsPage)
        window.show_page("documents")
        documents.select_document("decision")
        save(window, "71-in-an-quyet-dinh.png")
        pdf = catalog.produce(db, "decision", catalog.DocRequest(round_id=scored), "pdf").data
        preview = PdfPreviewDialog(pdf, "Quyết định công nhận sáng kiến", "quyet-dinh.pdf", window)
        preview.resize(900, 800)
        preview.show()
        settle(800)
        save(preview, "72-xem-truoc-quyet-dinh.png")
        preview.close()
        documents.select_document("score-sheets")
        documents.tabs.setCurrentIndex(1)
        save(window, "73-tong-ket-nam.png")
        documents.tabs.setCurrentIndex(0)
    if "safety" not in placeholders:
        safety = window.page("safety")
        assert isinstance(safety, SafetyPage)
        window.show_page("safety")
        safety.tabs.setCurrentWidget(safety.audit)
        safety.audit.view.selectRow(0)
        save(window, "91-nhat-ky.png")
        safety.tabs.setCurrentWidget(safety.finalize)
        save(window, "92-chot-dot.png")
        safety.tabs.setCurrentIndex(0)
    if "results" not in placeholders:
        shoot_tie(window, db, scored, save)
    window.reload_rounds(select_id=latest)

    settings = window.page("settings")
    assert isinstance(settings, SettingsPage)
    window.show_page("settings")
    settings.show_tab("units")
    save(window, "12-cai-dat-don-vi.png")
    rows = settings.units.model.records()
    merge = MergeDialog(rows, rows[0], rows[1], window)
    merge.show()
    save(merge, "13-gop-don-vi.png")
    merge.close()
    settings.show_tab("rounds")
    save(window, "14-cai-dat-dot.png")
    settings.rounds.tabs.setCurrentIndex(2)
    save(window, "15-cai-dat-dot-tieu-chi.png")
    settings.rounds.tabs.setCurrentIndex(3)
    save(window, "16-cai-dat-dot-xep-loai.png")
    settings.rounds.tabs.setCurrentIndex(0)
    shoot_history(window, db, work, save)
    infos = window.ctx.reload_rounds()
    new_round = NewRoundDialog(infos, infos[0].year + 1, 1, infos[-1].id, window)
    new_round.show()
    save(new_round, "17-tao-dot-moi.png")
    new_round.close()

    help_dialog = HelpDialog(window)
    help_dialog.resize(*DIALOG_SIZE)
    help_dialog.show()
    save(help_dialog, "18-huong-dan-trong-phan-mem.png")
    help_dialog.close()
    window.close()
    db.dispose()

    manifest = {
        "generated": dt.date.today().isoformat(),
        "images": written,
        "placeholder_pages": placeholders,
        "page_images": names,
    }
    (out / "pages.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(
        f"Đã ghi {len(written)} ảnh vào {out}. Trang chưa hoàn thiện: {', '.join(placeholders) or 'không có'}."
    )
    stale = sorted(p.name for p in out.glob("*.png") if p.name not in written)
    if stale:
        print(f"Ảnh cũ không còn được chụp (xóa nếu hướng dẫn không dùng nữa): {', '.join(stale)}")
    return 0


def shoot_history(window: Any, db: Any, work: Path, save: Callable[[Any, str], None]) -> None:
    """Cài đặt → Dữ liệu các năm trước: last year's decision list (a Word file, its table continued on a
    second page) previewed, with two authors found among the demo's people, then imported."""
    from sqlalchemy import select

    from sangkien_desktop.models import Person, Unit
    from sangkien_desktop.ui.dialogs.recognized_import_dialog import RecognizedImportDialog
    from sangkien_desktop.ui.pages.settings_page import SettingsPage
    from tests.helpers import decision_lists as dl

    with db.reading() as s:
        known = s.execute(
            select(Person.full_name, Unit.name)
            .join(Unit, Unit.id == Person.unit_id)
            .order_by(Person.id)
            .limit(2)
        ).all()
        other = s.scalars(select(Unit.name).order_by(Unit.id).offset(2).limit(1)).one()
    year = dt.date.today().year - 1
    (a_name, a_unit), (b_name, b_unit) = known
    rows = (
        dl.Row("Số hóa quy trình tiếp nhận hồ sơ một cửa tại phường",
               (dl.Author(a_name, "Chuyên viên", a_unit, "012/GCN"), dl.Author("Hoàng Văn Tuấn", "Cán bộ", a_unit, "013/GCN")),
               "Loại A", Decimal("86.50"), 2_000_000),
        dl.Row("Ứng dụng Zalo OA trong tuyên truyền cải cách hành chính", (dl.Author(b_name, "Phó trưởng phòng", b_unit, "014/GCN"),),
               "Loại B", Decimal("77.25"), 1_000_000),
        dl.Row("Sổ tay điện tử hướng dẫn thủ tục cho người cao tuổi", (dl.Author("Trịnh Thu Hằng", "Công chức", other, "015/GCN"),),
               "Loại C", Decimal("66.00"), 500_000),
        dl.Row("Bản đồ số các điểm thu gom rác thải sinh hoạt", (dl.Author("Đinh Công Sơn", "Viên chức", b_unit, "016/GCN"),),
               "Công nhận", Decimal("58.75"), None),
    )  # fmt: skip
    layout = dl.Layout(split_at=2, title=dl.title_lines(year, f"45/QĐ-UBND ngày 20 tháng 12 năm {year}"))
    path = dl.write_docx(work / f"danh-sach-cong-nhan-{year}.docx", rows, layout)
    settings = window.page("settings")
    assert isinstance(settings, SettingsPage)
    settings.show_tab("history")
    dialog = RecognizedImportDialog(db, path, year, window)
    dialog.resize(1200, 720)
    dialog.show()
    save(dialog, "19-nhap-danh-sach-nam-truoc.png")
    dialog.do_import()
    settings.history.load()
    save(window, "19a-du-lieu-cac-nam-truoc.png")


def shoot_tie(window: Any, db: Any, round_id: int, save: Callable[[Any, str], None]) -> None:
    """An undecided tie on the Kết quả page: the last A place and the first B place are given the same
    total by every member who scored them (85), the grading is saved again, and the page and the council's
    order dialog are shot. Done last: the documents shot before are printed from the untied results."""
    from sangkien_desktop.services import grading, scoring
    from sangkien_desktop.ui.pages.results_page import ResultsPage, TieDialog

    graded = [o for o in grading.grade_round(db, round_id).grading.outcomes if o.rank is not None]
    edge = [graded[4], graded[5]]  # the default rules give 5 A places
    matrix = scoring.get_matrix(db, round_id)
    total = Decimal(85)
    maxima = [c.max_points for c in matrix.criteria]
    values = [(m * total / sum(maxima)).to_integral_value() for m in maxima]
    values[0] += total - sum(values)
    for outcome in edge:
        for member in matrix.members_of(outcome.key):
            for criterion, value in zip(matrix.criteria, values, strict=True):
                scoring.save_score(db, round_id, member.id, outcome.key, criterion.id, value)
    grading.apply_grading(db, round_id)
    window.reload_rounds(select_id=round_id)
    window.show_page("results")
    results = window.page("results")
    assert isinstance(results, ResultsPage)
    results.refresh()
    results.select_dossier(edge[0].key)
    save(window, "62-dong-diem-chua-quyet-dinh.png")
    assert results.current is not None
    rows = {r.code: r for r in results.current.rows}
    groups = [[rows[c] for c in g.codes] for g in results.current.grading.tie_groups()]
    dialog = TieDialog(groups, window)
    dialog.note.setText("Biểu quyết 5/7 tại cuộc họp ngày 20/5")
    dialog.show()
    save(dialog, "63-hoi-dong-xep-thu-tu-dong-diem.png")
    dialog.close()


if __name__ == "__main__":
    sys.exit(main())
