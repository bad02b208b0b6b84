"""Entry script for the PyInstaller bundle (a script runs as __main__, so it uses absolute imports)."""

import sys

from sangkien_desktop.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
