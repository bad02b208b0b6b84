"""Entry script of the console ``sangkien`` executable in the PyInstaller bundle."""

import multiprocessing
import sys

from sangkien_desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the documents' worker process (services.document_workers)
    sys.exit(main())
