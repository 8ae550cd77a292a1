"""The lecturer's links tool lives in the checkout's course/ folder, not in the package: ``python -m course.links``.

This alias keeps ``python -m rmsprop_lib.links`` and ``from rmsprop_lib import links`` working from a checkout
for now; it needs the checkout's top folder on the path (as when run from there).
"""
import sys

from course.links import *  # noqa: F401,F403
from course.links import main

if __name__ == "__main__":
    sys.exit(main())
