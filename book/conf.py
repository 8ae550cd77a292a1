"""Sphinx configuration of the series' website (myst-nb + sphinx-book-theme).

Build it with ``python tools/build_book.py`` (see that file): it copies this folder, the stored
notebooks and MathJax into a staging folder and runs Sphinx there. Nothing is executed: each page
shows the outputs stored in its notebook.
"""
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

from course import links  # the lecturer tools, in the checkout (tools/build_book.py puts it on the path)

SRC = Path(__file__).resolve().parent     # the staging folder (this file is copied there)


def _series_title():
    """The first heading of the README, or a fallback when the README is not there."""
    readme = SRC / "README.md"
    if readme.is_file():
        match = re.search(r"^# (.+)$", readme.read_text(encoding="utf-8"), re.MULTILINE)
        if match:
            return match.group(1).strip()
    return "From gradient descent to RMSProp and Adam"


project = _series_title()
html_title = project
author = ""
root_doc = "notebooks/00_start_here"
exclude_patterns = ["_build", "_static", "_templates", "README.md", "**/.ipynb_checkpoints"]
templates_path = ["_templates"]
html_static_path = ["_static"]

extensions = ["myst_nb"]
nb_execution_mode = "off"                 # show what is stored; never run a notebook
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 4                  # [text](#a-heading) links inside a notebook

# MathJax from the site itself (copied to _static/mathjax by the build), not from a CDN.
mathjax_path = "mathjax/tex-chtml.js"

html_theme = "sphinx_book_theme"
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,          # each page: download its .ipynb
    "use_fullscreen_button": False,
    "use_repository_button": True,
    "repository_url": f"https://github.com/{links.REPO}",
    "repository_branch": links.REF,
    "show_toc_level": 2,
    "navbar_persistent": [],              # the sidebar has the search field already
}
html_context = {"default_mode": "light"}  # the figures are drawn on white; the reader can switch
html_sidebars = {"**": ["navbar-logo.html", "search-button-field.html", "sbt-sidebar-nav.html",
                        "download-zip.html"]}
html_additional_pages = {"index": "redirect.html"}   # the site's address opens notebook 00
html_show_sourcelink = False
html_show_sphinx = False
html_copy_source = True                   # keeps _sources/*.ipynb for the download button
html_last_updated_fmt = None


def _series_toctree(app, doctree):
    """Give the start page a hidden table of contents: every other notebook, in order.

    The notebooks cannot carry a ``toctree`` directive themselves; this puts one into the
    start page's doctree before Sphinx collects the tables of contents, so that the sidebar
    lists the series and each page links to the previous and the next notebook.
    """
    docname = app.env.current_document.docname
    if docname != app.config.root_doc:
        return
    others = sorted(d for d in app.env.found_docs if d != docname and re.fullmatch(r"notebooks/\d\d_\w+", d))
    toctree = addnodes.toctree(parent=docname, entries=[(None, d) for d in others], includefiles=others,
                               maxdepth=-1, caption=None, glob=False, hidden=True, includehidden=False,
                               numbered=0, titlesonly=True)
    doctree.append(nodes.compound("", toctree, classes=["toctree-wrapper"]))


def _collapse_hidden_sources(app, doctree):
    """A code cell stored with its source collapsed (a solution) is collapsed on the page too."""
    for node in doctree.findall(nodes.container):
        meta = node.get("cell_metadata") or {}
        if node.get("nb_element") == "cell_code" and meta.get("jupyter", {}).get("source_hidden") \
                and not node.get("hide_mode"):
            node["hide_mode"] = "input"
            node["prompt_show"] = "Show code cell {type}"
            node["prompt_hide"] = "Hide code cell {type}"


def setup(app):
    # Before Sphinx's own table-of-contents collector (priority 500) reads the doctree.
    app.connect("doctree-read", _series_toctree, priority=100)
    app.connect("doctree-read", _collapse_hidden_sources)
