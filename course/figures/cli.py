"""The command line of ``python -m course.figures``."""
import argparse
import time

import matplotlib

from .catalogue import FIGURES, select
from .output import FORMATS, _check_out, default_out, generate


class _Parser(argparse.ArgumentParser):
    """argparse, but every error is one line (no usage block) with exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(argv=None):
    parser = _Parser(prog="python -m course.figures",
                     description="Regenerate the lecture figures and their index.")
    parser.add_argument("--out", help="folder to write into (default: figures/ of this checkout)")
    parser.add_argument("--format", nargs="+", default=["png"], choices=FORMATS, dest="formats",
                        help="file format(s) (default: png)")
    parser.add_argument("--list", action="store_true", help="list the figures and exit")
    parser.add_argument("names", nargs="*", help="only these figures (default: all, and the index)")
    args = parser.parse_args(argv)
    if args.list:
        for f in FIGURES:
            print(f"{f.name:24s} {f.notebook:22s} {f.caption}")
        return 0
    matplotlib.use("Agg")
    try:
        select(args.names)
        out = _check_out(default_out() if args.out is None else args.out)  # --out "" is an error, not the default
    except (TypeError, ValueError) as err:
        parser.error(str(err))
    start = time.perf_counter()
    try:
        paths = generate(out, args.formats, args.names)
    except OSError as err:  # e.g. a folder we may not write into
        parser.exit(1, f"{parser.prog}: error: cannot write the figures: {err}\n")
    print(f"{len(paths)} file(s) written in {time.perf_counter() - start:.1f} s")
    return 0
