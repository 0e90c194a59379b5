"""Run VetDesk as ``python -m vetdesk``."""

import sys

from vetdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
