"""The command line of ``python -m course.links``: retarget every link, or ``--check`` that they agree."""
import argparse
import sys

from .plan import _plan, _warnings, _write_all, ref_kind
from .target import PLACEHOLDER, REF, REPO


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def main(argv=None):
    parser = _Parser(
        prog="python -m course.links",
        description="Point every Colab/Binder badge, previous/next link and Colab setup cell of "
                    "README.md and notebooks/*.ipynb (and the constants in course/links/target.py) "
                    "at one repository and tag. The badges open the notebooks at that tag and the "
                    "setup cells install the package from it, so use a tag (or a commit), not a branch.")
    parser.add_argument("--repo", help=f"GitHub repository OWNER/NAME (default: the current REPO, {REPO})")
    parser.add_argument("--ref", help=f"tag (or commit) to open and install (default: the current REF, {REF})")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; list every link that disagrees and exit 1 if any does")
    parser.add_argument("--root", help="the checkout to work on (default: this package's checkout)")
    args = parser.parse_args(argv)
    try:
        root, repo, ref, findings, writes = _plan(args.repo, args.ref, args.root)
        if not args.check:
            _write_all(writes, root)
    except (ValueError, TypeError) as err:
        parser.exit(2, f"{parser.prog}: error: {err}\n")
    except OSError as err:
        parser.exit(1, f"{parser.prog}: error: {err}\n")
    warnings = _warnings(repo, ref, root)
    missing = [f for f in findings if f.old.startswith("no ")]
    if args.check:
        for f in findings:
            print(f)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
        if findings:
            print(f"{len(findings)} link(s) disagree with {repo} @ {ref}", file=sys.stderr)
            return 1
        print(f"all links agree with {repo} @ {ref} ({root})")
        return 0
    fixed = [f for f in findings if f not in missing]
    for f in fixed:
        print(f"fixed {f.file} [{f.where}]: {f.old} -> {f.new}")
    for f in missing:
        print(f"NOT FIXED {f}", file=sys.stderr)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if fixed:
        print(f"{len(fixed)} link(s) rewritten to {repo} @ {ref}")
        if ref_kind(ref, root) is None and repo != PLACEHOLDER:
            print(f"next: commit these changes, then tag that commit and push both "
                  f"(git tag {ref} && git push origin HEAD {ref}); the links work once the tag is on GitHub")
    else:
        print(f"every link already points at {repo} @ {ref}; nothing rewritten")
    return 1 if missing else 0

