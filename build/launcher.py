"""Entry script for the PyInstaller bundle (a script runs as __main__, so it uses absolute imports)."""

import multiprocessing
import sys

from sangkien_desktop.ui.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the documents' worker process (services.document_workers)
    sys.exit(main())
