"""The one preview dialog of every import: read and check the file on a worker thread whenever an option
changes (the newest options win: a preview read with stale options is read again), show it, then import it
all or nothing through ``Op`` with its undo. Subclasses build the widgets and say what to read, show and run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from ...db.database import Database
from ...domain.errors import SangKienError
from .. import messages, unexpected_errors
from ..context import AppContext
from ..operations import Op
from ..workers import Cancelled

P = TypeVar("P")  # what the service's preview answers


class ImportPreviewDialog(QDialog, Generic[P]):
    """Subclasses set ``import_button`` and ``summary`` while building, and implement ``read_options``,
    ``read_preview``, ``show_preview`` and ``show_failure``; ``start_import`` runs the import itself."""

    reading_text = "<i>Đang đọc và kiểm tra tệp…</i>"
    preview_title = "Xem trước tệp"

    def __init__(self, db: Database, path: Path, parent: QWidget | None, ctx: AppContext | None) -> None:
        super().__init__(parent)
        self.db = db
        self.ctx = ctx  # the import goes on its undo stack when given
        self.path = Path(path)
        self.preview: P | None = None
        self.import_button: QPushButton
        self._preview_op: Op | None = None  # the preview being read on a worker thread
        self._again = False  # the options changed while it was read: read once more when it ends
        self._import_op: Op | None = None

    # what subclasses say -------------------------------------------------------------------------------
    def read_options(self) -> tuple[Any | None, str]:
        """The options shown, or None and why they cannot be used."""
        raise NotImplementedError

    def read_preview(self, db: Database, options: Any) -> P:
        """The service's preview of ``self.path`` with ``options`` (runs on a worker thread)."""
        raise NotImplementedError

    def show_preview(self, preview: P) -> None:
        raise NotImplementedError

    def show_failure(self, error: BaseException | str) -> None:
        raise NotImplementedError

    def can_import(self) -> bool:
        """The preview shown may be imported (every row checked)."""
        return bool(self.preview is not None and getattr(self.preview, "ok", False))

    def refresh_after_import_error(self, error: BaseException) -> bool:
        """Read the file again after the import failed with ``error`` (the data changed meanwhile)."""
        return True

    # preview ----------------------------------------------------------------------------------------
    def busy(self) -> bool:
        """A preview or the import is running on a worker thread."""
        return any(op is not None and not op.done for op in (self._preview_op, self._import_op))

    def refresh(self) -> None:
        """Read the file again with the options shown, on a worker thread (the newest options win)."""
        if self._preview_op is not None and not self._preview_op.done:
            self._again = True
            return
        self._again = False
        options, problem = self.read_options()
        if options is None:
            self.show_failure(problem)
            return
        self.import_button.setEnabled(False)
        self.summary.setText(self.reading_text)
        self._preview_op = (
            Op(
                self,
                f"{self.preview_title} {self.path.name}",
                lambda db, _progress: self.read_preview(db, options),
                db=self.db,
                on_done=self._previewed,
                on_error=self._preview_failed,
            )
            .in_background(progress_dialog=False)
            .start()
        )

    def _previewed(self, preview: P) -> None:
        if self._again:  # stale: the secretary changed an option meanwhile
            self.refresh()
            return
        self.preview = preview
        self.show_preview(preview)

    def _preview_failed(self, error: BaseException) -> None:
        if self._again:
            self.refresh()
            return
        self.preview = None
        self.show_failure(error)

    # import -----------------------------------------------------------------------------------------
    def start_import(
        self,
        title: str,
        run: Callable[..., Any],
        *,
        area: str,
        undo: Callable[[Database, Any], Any],
        on_done: Callable[[Any], None],
    ) -> None:
        """Run the import on a worker thread with its progress dialog; one entry on the undo stack."""
        self.import_button.setEnabled(False)
        self._import_op = (
            Op(
                self,
                title,
                run,
                ctx=self.ctx,
                db=self.db,
                area=area,
                undo=undo,
                on_done=on_done,
                on_error=self._import_failed,
            )
            .in_background()
            .start()
        )

    def _import_failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.import_button.setEnabled(self.can_import())
            return
        if isinstance(error, SangKienError):
            messages.show_error(self, error)
        elif not unexpected_errors.show(error):
            messages.show_error(self, f"Lỗi: {error}")
        if self.refresh_after_import_error(error):
            self.refresh()
        else:
            self.import_button.setEnabled(self.can_import())

    def reject(self) -> None:
        if self._import_op is not None and not self._import_op.done:
            return  # the import's own progress dialog has Huỷ
        if self._preview_op is not None and self._preview_op.job is not None and not self._preview_op.done:
            self._again = False
            self._preview_op.job.cancel()
            self._preview_op.job.thread.quit()
            self._preview_op.job.thread.wait(10_000)
        super().reject()


def html(text: str) -> str:
    """``text`` shown as it is in a rich-text label."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
