"""The lecturer's slides tool lives in the checkout's course/ folder, not in the package: ``python -m course.slides``.

This alias keeps ``python -m rmsprop_lib.slides`` and ``from rmsprop_lib import slides`` working from a checkout
for now; it needs the checkout's top folder on the path (as when run from there).
"""
import sys

from course.slides import *  # noqa: F401,F403
from course.slides import main

if __name__ == "__main__":
    sys.exit(main())
