"""The lecturer's tools: links, slides and lecture figures, run from a checkout of the series.

::

    python -m course.links --repo OWNER/NAME --ref TAG   # point every badge and setup cell at a fork
    python -m course.slides                              # a reveal.js deck per notebook
    python -m course.figures                             # the lecture figures, into figures/

They rewrite files of the checkout and call npm, so they are not part of ``rmsprop_lib``, the package
a learner installs (pyproject.toml installs ``rmsprop_lib`` only). Run them from the checkout's top
folder, where Python finds this folder.
"""
