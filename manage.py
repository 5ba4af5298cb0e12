#!/usr/bin/env python
"""Django's command-line utility; `python -m motcua` is the same with friendlier names."""

import sys

from motcua.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
