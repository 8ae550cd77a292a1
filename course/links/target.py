"""Where the series lives: the repository and the tag every link points at.

``python -m course.links --repo OWNER/NAME --ref TAG`` rewrites the two lines ``REPO = ...`` and
``REF = ...`` below (keep each a plain string on one line).
"""
#: GitHub repository of the series, "owner/name".
REPO = "example-org/rmsprop-series"
#: Tag (or commit) the launch links open and the Colab setup cell installs.
REF = "v0.1.0"

#: The repository the original series names until it is published; a fork retargets away from it.
PLACEHOLDER = "example-org/rmsprop-series"
