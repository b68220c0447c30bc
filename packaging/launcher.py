"""Entry script of the PyInstaller bundle (build.spec): the same as the `school-office` command."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
