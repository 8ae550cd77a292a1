"""Where the series lives, and the command that retargets every link to it.

``REPO`` and ``REF`` (in ``course/links/target.py``) are the one source of truth for the repository
(owner/name on GitHub) and the tag (or commit) the launch links point at. They appear in:

- the "Open in Colab" and Binder badges of README.md and of every notebook's title cell,
- the Colab setup cell of every notebook
  (``%pip install "rmsprop_lib @ git+https://github.com/OWNER/NAME@REF"``),
- plain ``https://github.com/OWNER/NAME`` links in README.md and the notebooks.

One ref for reading and for installing
--------------------------------------
A notebook opened from a badge and the package its setup cell installs come from the same ``REF``,
so the code a notebook imports is always the code it was written and tested with. ``REF`` should be
a tag (or a full commit hash), not a branch: then neither the notebooks nor the package can change
under the students during a course. The setup cell lets pip speak (no ``-q``), so Colab's own notes,
such as its prompt to restart the session after an upgrade, stay visible. (A separate install ref
would let a notebook import a package older or newer than itself; one ref cannot.)

The original series points at the tag of its release, ``v`` + the version in pyproject.toml. To
release, retarget to the new tag first (``python -m course.links --ref v0.2.0``), commit,
then tag that commit, so the tagged tree links to itself.

A lecturer who forks the series retargets all links, and these two constants, in one step, then
tags the commit that holds the new links::

    python -m course.links --repo my-university/optimizers-course --ref spring-2027
    git commit -am "Links point at spring-2027" && git tag spring-2027
    git push origin HEAD spring-2027
    python -m course.links --check      # every link agrees with REPO and REF? (exit 1 if not)

``--check`` also warns, without failing, when the links still point at the placeholder repository
``example-org/rmsprop-series`` of the original series, or when ``REF`` is a branch of the checkout.

The command also keeps each title cell's previous/next links pointing at the neighbouring
notebooks. It reads and checks every file before it writes any (all or nothing), and notebooks
are edited as JSON: only the changed source lines differ afterwards (outputs, metadata and
formatting are kept).
"""
from .names import binder_url, colab_url, pip_spec, setup_line
from .plan import default_root, link_warnings, ref_kind, retarget
from .rewrite import Finding, dump_notebook
from .target import PLACEHOLDER, REF, REPO
from .cli import main

__all__ = ["REPO", "REF", "PLACEHOLDER", "colab_url", "binder_url", "pip_spec", "setup_line", "Finding",
           "dump_notebook", "retarget", "link_warnings", "ref_kind", "default_root", "main"]
