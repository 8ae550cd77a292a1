"""Reveal.js slide decks of every notebook, for teaching.

::

    python -m course.slides                      # decks in slides/, reveal.js etc. from CDNs
    python -m course.slides --out decks --offline  # decks that work without a network

A deck is laid out for projecting (16:9, 1280x720), not copied from the notebook cell by cell. One
idea per slide; the notebook's narrative goes to the speaker notes (press S for the speaker view):

- each ``##`` section starts a new column of slides, each ``###`` heading a slide below it. Such a
  slide shows the heading, the section's lead sentence, its display formulas (a wide one cut at its
  ``\\quad``s into rows), its tables and its lists (long items cut to their first sentence; quiz
  questions and references kept whole); what does not fit goes on to a slide below;
- every figure a code cell draws gets a slide of its own, as large as the slide allows; printed
  results get one too, in the largest type their longest line fits (a printout of one to three
  lines under a single figure becomes its caption; a very long one is shortened on the slide);
- paragraphs, quiz answers (``<details>``), code and full printouts go to the speaker notes;
- cells with the slide type ``skip`` (the setup cell and the exercises) are left out.

Nothing is executed: the layout is decided from what the notebooks contain (cell types, headings,
outputs, the slide types ``skip`` and ``notes``). If a slide's text still does not fit, the deck
shrinks its type (down to 70%) when it opens. The arrow keys, space and a presenter's clicker walk
through every slide in order; Esc shows them all as a grid, F goes full screen.

By default a deck loads reveal.js 4, require.js, jQuery and MathJax 2 from public CDNs, as
nbconvert does. ``--offline`` copies them next to the decks instead (``_assets/``), so the folder
can be opened from a laptop or a USB stick in a room without internet. The files come from
``--assets DIR`` (a folder where ``npm install --prefix DIR reveal.js@4.0.2 requirejs@2.3.7
jquery@3.7.1 mathjax@2.7.9`` was run); without ``--assets`` that npm command is run once into a
cache folder (this needs ``npm`` and the network once).
"""
from .assets import ASSET_PACKAGES, copy_assets, fetch_assets
from .cli import count_slides, default_notebooks_dir, export_all, main
from .deck import deck_notebook
from .page import export_deck, make_exporter
from .text import HEIGHT, MIN_FIT, WIDTH, shorten

__all__ = ["ASSET_PACKAGES", "WIDTH", "HEIGHT", "MIN_FIT", "shorten", "deck_notebook", "make_exporter", "export_deck",
           "fetch_assets", "copy_assets", "export_all", "count_slides", "default_notebooks_dir", "main"]
