"""Experiments a notebook runs and a lecture figure redraws, defined once so the two cannot drift apart.

- ``chaos``: two rules for a run whose end is a matter of chance, so that it gets a word instead of a
  number: ``gap_and_chaos`` (notebooks 03 and 06: twin starts a billionth apart end more than a factor 2
  apart; ``lr_sweep`` for many learning rates in one loop) and ``bounces`` (notebook 07: the loss climbed
  back above twice its lowest value).
- ``noise``: the noise floors of notebook 06 (``noisy_loss_gaps``, ``noisy_loss_gaps_of``).
- ``gallery``: the gallery of notebook 06: every optimizer on every landscape (``gallery_runs``,
  ``plot_gallery``, ``tuned_gallery``).
- ``sensitivity``: the sensitivity maps of notebook 06: RMSProp's and Adam's final loss gap on Rosenbrock
  over a grid of learning rate x rho (or beta1) (``sensitivity_map``, ``plot_sensitivity_maps``).
"""
from .chaos import NUDGE, bounces, final_gap, gap_and_chaos, lr_sweep
from .gallery import (GALLERY_LINESTYLES, GALLERY_LR, GALLERY_OPTIMIZERS, GALLERY_STEPS, GALLERY_WIDTHS, PLAIN,
                      TUNING_LRS, gallery_lr, gallery_runs, plot_gallery, tuned_gallery)
from .noise import noisy_loss_gaps, noisy_loss_gaps_of
from .sensitivity import (BETA1S, RHOS, SENSITIVITY_LRS, SensitivityMap, draw_sensitivity_map, plot_sensitivity_maps,
                          sensitivity_map)

__all__ = ["NUDGE", "final_gap", "gap_and_chaos", "lr_sweep", "bounces",
           "noisy_loss_gaps", "noisy_loss_gaps_of",
           "GALLERY_LR", "PLAIN", "GALLERY_STEPS", "GALLERY_OPTIMIZERS", "GALLERY_LINESTYLES", "GALLERY_WIDTHS",
           "TUNING_LRS", "gallery_lr", "gallery_runs", "tuned_gallery", "plot_gallery",
           "SENSITIVITY_LRS", "RHOS", "BETA1S", "SensitivityMap", "sensitivity_map", "draw_sensitivity_map",
           "plot_sensitivity_maps"]
