"""`python -m desktop`: the same as the `school-office` command."""

import sys

from desktop.cli import main

sys.exit(main())
