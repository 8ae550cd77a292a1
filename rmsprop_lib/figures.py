"""The lecture figures live in the checkout's course/ folder, not in the package: ``python -m course.figures``.

This alias keeps ``python -m rmsprop_lib.figures`` and ``from rmsprop_lib import figures`` working from a
checkout for now; it needs the checkout's top folder on the path (as when run from there).
"""
import sys

from course.figures import *  # noqa: F401,F403
from course.figures import main

if __name__ == "__main__":
    sys.exit(main())
