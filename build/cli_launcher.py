"""Entry script of the console ``sangkien`` executable in the PyInstaller bundle."""

import sys

from sangkien_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
