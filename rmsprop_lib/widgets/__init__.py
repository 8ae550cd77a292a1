"""The playground: pick a landscape, optimizers and hyperparameters, and watch the paths.

The layers, one module each, so that everything except the wiring can be tested without a browser:

- ``landscapes``: the landscapes' names and the stability limits ``2/lambda`` of their Hessians;
- ``settings``: ``PlaygroundSettings`` - every setting, checked when it is created (bad values
  raise a ``ValueError``/``TypeError`` that names the setting and its allowed range); the
  hyperparameters besides lr are the controls the optimizers declare in the registry; and
  ``compute(settings)``, which runs each chosen optimizer with ``rmsprop_lib.run.minimize``;
- ``drawing``: ``draw(traces, settings, axes)`` draws the three panels (contour with every path,
  loss on a log scale, effective learning rate), again and again on the same axes, keeping what
  did not change; ``new_figure`` makes the figure;
- ``render``: ``FastRenderer`` paints only what changed; ``encode_image`` makes the JPEG;
- ``controls``: the ipywidgets controls, made from the settings (one slider per declared control);
- ``app``: ``playground()`` - the controls wired to the layers above. It returns a
  ``Playground`` whose ``.widget`` is the box to display, ``.controls`` the controls by setting
  name, and ``.settings``, ``.traces`` and ``.figure`` the state after the last change. Every
  change either shows the same settings on the controls, in ``.settings`` and in the figure,
  or is refused with a message in the widget (and the last settings stay).

The figure is a plain matplotlib ``Figure`` rendered into an ``ipywidgets.Image``, so
the playground needs no front-end extension (no ipympl) and works with ipywidgets 7.7 and 8.
"""
from .app import Playground, playground
from .drawing import IMAGE_PIXELS, LOSS_FLOOR, MAX_LEGENDS, draw, new_figure
from .render import FastRenderer, encode_image
from .landscapes import LANDSCAPES, split_landscape, stability_limits
from .settings import CONTROL_USERS, CONTROLS, LR_RANGE, MAX_STEPS, OPTIMIZER_NAMES, SETTING_NAMES, PlaygroundSettings, compute

__all__ = ["CONTROLS", "CONTROL_USERS", "FastRenderer", "IMAGE_PIXELS", "LANDSCAPES", "LOSS_FLOOR", "LR_RANGE",
           "MAX_LEGENDS", "MAX_STEPS", "OPTIMIZER_NAMES", "Playground", "PlaygroundSettings", "SETTING_NAMES",
           "compute", "draw", "encode_image", "new_figure", "playground", "split_landscape", "stability_limits"]
