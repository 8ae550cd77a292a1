"""A fast Agg renderer for the playground's figure: only what changed is painted again.

``FastRenderer(figure).render(changing)`` gives the same image as a full render of the figure,
keeping the background of each panel, title and legend it has drawn; ``encode_image`` turns the
pixels into the JPEG (or PNG) the widget shows.
"""
import collections
import functools
import io

import numpy as np


def _draw_each(artists, renderer):
    for artist in artists:
        artist.draw(renderer)


def _draw_hiding(draw, hidden, renderer):
    """``draw(renderer)`` with the artists ``hidden`` made invisible meanwhile (then as they were)."""
    shown = [artist for artist in hidden if artist.get_visible()]
    for artist in shown:
        artist.set_visible(False)
    try:
        draw(renderer)
    finally:
        for artist in shown:
            artist.set_visible(True)


def _tick_parts(axis):
    """``(marks, texts)`` of ``axis``: its tick and grid lines, and its tick labels, label and offset text.

    The ticks the axis draws are made first, so that drawing it makes no new tick (a new tick copies
    the visibility of the first one, which may be hidden meanwhile)."""
    axis.get_major_ticks(len(axis.get_majorticklocs()))
    axis.get_minor_ticks(len(axis.get_minorticklocs()))
    ticks = axis.majorTicks + axis.minorTicks
    marks = [line for t in ticks for line in (t.gridline, t.tick1line, t.tick2line)]
    return marks, [text for t in ticks for text in (t.label1, t.label2)] + [axis.label, axis.offsetText]


def _draw_body(ax, hidden, renderer):
    """Draw ``ax`` without the artists ``hidden`` and without the texts of its axes (tick labels, labels)."""
    texts = [text for axis in (ax.xaxis, ax.yaxis) for text in _tick_parts(axis)[1]]
    _draw_hiding(ax.draw, list(hidden) + texts, renderer)


def _draw_axis_texts(axis, renderer):
    """Draw only the texts of ``axis`` (tick labels, its label, offset text), where ``ax.draw`` puts them."""
    axis.axes.apply_aspect()
    _draw_hiding(axis.draw, _tick_parts(axis)[0], renderer)


def _share_pixels(a, b):
    """Do two drawn regions ``(box, mask, values)`` ink a common pixel? ``box`` is (row0, row1, col0, col1)."""
    (ar0, ar1, ac0, ac1), (br0, br1, bc0, bc1) = a[0], b[0]
    r0, r1, c0, c1 = max(ar0, br0), min(ar1, br1), max(ac0, bc0), min(ac1, bc1)
    if r0 >= r1 or c0 >= c1:
        return False
    return bool(np.any(a[1][r0 - ar0:r1 - ar0, c0 - ac0:c1 - ac0] & b[1][r0 - br0:r1 - br0, c0 - bc0:c1 - bc0]))


class FastRenderer:
    """Renders a figure with the Agg backend, repainting only what changed.

    The figure is painted in regions: each axes (with its ticks and labels), its titles when
    they are placed by hand (``set_title(..., y=1.0)``: they need no layout) and each figure
    legend. A region's background - all of it except the ``changing`` artists - is kept for
    the last ``MAX_KEPT`` regions, under a key made of what decides its look (axis limits,
    scales, locators, texts, the artists it holds). A render pastes the kept backgrounds, draws
    only the regions whose key is new, then paints the changing artists on top (matplotlib's
    blitting technique). So a new learning rate repaints only the curves, a new noise seed
    only the title, and a landscape shown before nothing but the curves.

    A new region is drawn alone on the empty figure, and the pixels it changed are what is
    kept. When two regions ink a common pixel, or the figure holds artists outside axes and
    legends, everything is drawn and kept whole (a full render). Either way the image is the
    one a full render gives. An artist changed in place (say ``set_color``) without being in
    ``changing`` is not noticed: call ``forget()`` after such a change.

    ``render`` returns the image as an RGBA array and whether every region had to be drawn.
    Counters: ``full_renders``, ``fast_renders`` (nothing drawn but the changing artists) and
    ``region_renders`` (regions drawn anew).
    """

    #: How many backgrounds are kept (a region, or the whole figure when regions share pixels):
    #: enough for every landscape's panels, title and legend (at most about 50 MB at the default size).
    MAX_KEPT = 96

    def __init__(self, figure):
        from matplotlib.figure import Figure

        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        self.figure = figure
        self.full_renders = self.fast_renders = self.region_renders = 0
        self.forget()

    def forget(self):
        """Drop every kept background: the next render draws everything."""
        self._kept = collections.OrderedDict()  # region key -> (box, mask, values); all keys -> whole background
        self._clashing = set()  # keys of regions found to overlap another region
        self._last = None  # (keys, background) of the last render
        self._blank = None
        self._size = None

    def _regions(self, hidden):
        """(draw, key) for each region of the figure: ``draw(renderer)`` paints it."""
        regions = []
        for ax in self.figure.axes:
            if not ax.get_visible():
                continue
            # Titles placed by hand (``set_title(y=...)``) need no layout of the axes: they are a
            # region of their own, so a new title leaves the panel below it alone.
            titles = (ax._left_title, ax.title, ax._right_title) if getattr(ax, "_autotitlepos", None) is False else ()
            shown = [t for t in titles if t.get_visible() and t.get_text() and t not in hidden]
            if shown:
                regions.append((functools.partial(_draw_each, shown),
                                (ax, "titles") + tuple((t, t.get_text(), t.get_position(), t.get_fontsize(),
                                                        str(t.get_color())) for t in shown)))
            artists = tuple(a for a in ax.get_children() if a.get_visible() and a not in hidden and a not in titles)
            texts = tuple((t.get_text(), t.get_position()) for t in ax.texts if t.get_visible() and t not in hidden)
            bounds = ax.get_position().bounds
            ticks = [(axis, axis.get_major_locator(), axis.get_minor_locator(), axis.get_major_formatter(),
                      axis.get_minor_formatter(), axis.get_scale(), tuple(axis.get_view_interval().tolist()))
                     for axis in (ax.xaxis, ax.yaxis)]
            # The panel without its axes' texts, then each axis' texts on their own: a new step axis
            # redraws the x texts and leaves the y texts (the slowest part: many labels) as they were.
            key = (ax, bounds, *ticks, tuple(ax.get_title(loc) for loc in ("left", "center", "right"))
                   if not titles else (), artists, texts)
            regions.append((functools.partial(_draw_body, ax, set(shown)), key))
            for axis, tick in zip((ax.xaxis, ax.yaxis), ticks):
                if axis.get_visible():
                    regions.append((functools.partial(_draw_axis_texts, axis),
                                    (bounds, *tick, axis.label.get_text())))
        for legend in self.figure.legends:
            if legend.get_visible():
                regions.append((legend.draw, (legend,)))
        return regions

    def _ink(self, pixels):
        """What was drawn on the empty figure: ``(box, mask, values)`` - the box (row0, row1, col0,
        col1) around the pixels that changed, which of its pixels changed, and their RGBA values."""
        changed = pixels.view(np.uint32)[..., 0] != self._blank.view(np.uint32)[..., 0]
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        if rows.size == 0:
            return None
        r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        mask = changed[r0:r1, c0:c1]
        return (r0, r1, c0, c1), mask, pixels[r0:r1, c0:c1][mask]

    def _paint_background(self, changing):
        """Everything except ``changing`` (hidden meanwhile) onto the canvas. Returns True if all was drawn."""
        figure, canvas = self.figure, self.figure.canvas
        renderer = canvas.get_renderer()
        pixels = np.asarray(canvas.buffer_rgba())
        if self._blank is None:
            renderer.clear()
            figure.patch.draw(renderer)
            self._blank = pixels.copy()
        regions = self._regions(set(changing))
        keys = tuple(key for _, key in regions)
        extra = any(a.get_visible() for a in figure.texts + figure.lines + figure.patches + figure.images
                    + figure.artists + list(figure.subfigs))
        if self._last is not None and self._last[0] == keys:  # the layout of the last render
            pixels[...] = self._last[1]
            self.fast_renders += 1
            return False
        if keys in self._kept:  # a layout whose regions share pixels, drawn before as a whole
            self._kept.move_to_end(keys)
            pixels[...] = self._kept[keys]
            self._last = (keys, self._kept[keys])
            self.fast_renders += 1
            return False
        drawn = {}
        if not extra and not self._clashing.intersection(keys):
            for paint, key in regions:
                if key not in self._kept and key not in drawn:
                    pixels[...] = self._blank
                    paint(renderer)
                    drawn[key] = self._ink(pixels)
            inked = [(key, region) for key in keys
                     for region in [drawn[key] if key in drawn else self._kept[key]] if region is not None]
            for i, (key, region) in enumerate(inked):
                for other, other_region in inked[i + 1:]:
                    if _share_pixels(region, other_region):
                        self._clashing.update((key, other))
        self._kept.update(drawn)  # each is right on its own, even if it clashes with another
        if extra or self._clashing.intersection(keys):
            # Regions that share pixels cannot be pasted side by side: draw everything, keep it whole.
            canvas.draw()
            self._kept[keys] = pixels.copy()
            self._last = (keys, self._kept[keys])
            self._trim()
            self.full_renders += 1
            return True
        pixels[...] = self._blank
        for key in keys:
            self._kept.move_to_end(key)
            region = self._kept[key]
            if region is not None:
                (r0, r1, c0, c1), mask, values = region
                pixels[r0:r1, c0:c1][mask] = values
        self._last = (keys, pixels.copy())
        self._trim()
        self.region_renders += len(drawn)
        full = bool(drawn) and len(drawn) == len(regions)
        if full:
            self.full_renders += 1
        elif not drawn:
            self.fast_renders += 1
        return full

    def _trim(self):
        while len(self._kept) > self.MAX_KEPT:
            self._kept.popitem(last=False)
        if len(self._clashing) > 4 * self.MAX_KEPT:
            self._clashing.clear()

    def render(self, changing):
        """Render the figure; ``changing`` are the artists ``draw`` replaced. Returns ``(rgba, full)``."""
        from matplotlib.artist import Artist

        changing = list(changing)
        for i, artist in enumerate(changing):
            if not isinstance(artist, Artist):
                raise TypeError(f"changing[{i}] must be a matplotlib artist, got {type(artist).__name__}")
        figure = self.figure
        size = (tuple(figure.get_size_inches()), figure.dpi, tuple(figure.get_facecolor()))
        if size != self._size:
            self.forget()
            self._size = size
        shown = [artist for artist in changing if artist.get_visible()]
        for artist in shown:
            artist.set_visible(False)
        try:
            full = self._paint_background(shown)
        finally:
            for artist in shown:
                artist.set_visible(True)
        renderer = figure.canvas.get_renderer()
        for artist in sorted(shown, key=lambda a: a.get_zorder()):
            artist.draw(renderer)
        return np.asarray(figure.canvas.buffer_rgba()), full

    def encode(self, changing, format="jpeg"):
        """Render (see ``render``) and encode the image (see ``encode_image``). Returns bytes."""
        rgba, _ = self.render(changing)
        return encode_image(rgba, format)


def encode_image(rgba, format="jpeg"):
    """An RGBA array as image bytes: ``"jpeg"`` (quality 90, full colour resolution; a few ms)
    or ``"png"`` (lossless, about ten times slower)."""
    from PIL import Image

    if not isinstance(format, str) or format not in ("jpeg", "png"):
        raise ValueError(f"format must be 'jpeg' or 'png', got {format!r}")
    rgba = np.asarray(rgba)
    if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4 or 0 in rgba.shape:
        raise ValueError(f"rgba must be an image of shape (height, width, 4) with dtype uint8 (as from "
                         f"canvas.buffer_rgba()), got shape {rgba.shape} and dtype {rgba.dtype}")
    rgba = np.ascontiguousarray(rgba)
    image = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    if format == "jpeg":
        image.save(buffer, format="jpeg", quality=90, subsampling=0)
    else:
        image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()

