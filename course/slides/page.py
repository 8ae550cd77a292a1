"""The page: reveal.js set up for 1280x720, CSS that fits the content, type shrunk where needed."""
from pathlib import Path

from .deck import deck_notebook
from .text import _FIGURE_TOP, HEIGHT, MIN_FIT, WIDTH

# The decks hold no mermaid diagrams (so nothing is fetched for them); the CSS sizes the type for a
# projector and keeps figures inside the slide; the script sets reveal.js up and shrinks the type
# of any slide whose content is still larger than the slide.
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({tex2jax: {ignoreClass: "tex2jax_ignore|notes"}, CommonHTML: {linebreaks: {automatic: false}}});
</script>
<style type="text/css">
body .reveal { font-size: 28px; }
body .reveal .slides { text-align: left; }
body .reveal .slides section { padding: 16px 0; }
body .reveal .jp-RenderedHTMLCommon { font-size: 1em; line-height: 1.3; padding: 0; overflow: visible; }
body .reveal .jp-Cell, body .reveal .jp-Cell-inputWrapper, body .reveal .jp-InputArea { padding: 0; margin: 0; }
body .reveal .jp-Collapser, body .reveal a.anchor-link { display: none; }
body .reveal .jp-RenderedHTMLCommon :is(h1, h2, h3, h4) {
  font-family: "Source Sans Pro", Helvetica, sans-serif; text-transform: none; color: #222;
  line-height: 1.15; margin: 0 0 0.45em 0; font-weight: 600; }
body .reveal .jp-RenderedHTMLCommon h1 { font-size: 2em; }
body .reveal .jp-RenderedHTMLCommon h2 { font-size: 1.55em; }
body .reveal .jp-RenderedHTMLCommon h3 { font-size: 1.35em; }
body .reveal .jp-RenderedHTMLCommon h4 { font-size: 0.8em; color: #777; font-weight: 400; margin-bottom: 0.5em; }
body .reveal .jp-RenderedHTMLCommon p { margin: 0 0 0.5em 0; }
body .reveal .jp-RenderedHTMLCommon :is(ul, ol) { margin: 0 0 0.5em 0; padding-left: 1.3em; }
body .reveal .jp-RenderedHTMLCommon li { margin: 0 0 0.28em 0; }
body .reveal .jp-RenderedHTMLCommon li > p { margin: 0; }
body .reveal .jp-RenderedHTMLCommon table { font-size: 0.75em; margin: 0.2em 0 0.6em 0; table-layout: auto; }
body .reveal .jp-RenderedHTMLCommon :is(th, td) { padding: 0.25em 0.5em; border-bottom: 1px solid #ccc;
  overflow-wrap: break-word; }
body .reveal .jp-RenderedHTMLCommon code { font-size: 0.9em; padding: 0 0.15em; background: #f3f3f3; }
body .reveal .jp-RenderedHTMLCommon pre { box-shadow: none; margin: 0.2em 0; padding: 0.3em 0.5em;
  width: auto; background: #f6f6f6; border-radius: 4px; line-height: 1.25; white-space: pre; overflow: visible; }
body .reveal .jp-RenderedHTMLCommon pre.rs-output { width: fit-content; max-width: 100%; box-sizing: border-box; }
body .reveal .jp-RenderedHTMLCommon pre.rs-wrap { white-space: pre-wrap; overflow-wrap: anywhere; }
body .reveal .jp-RenderedHTMLCommon pre.rs-caption { font-size: 0.7em; background: none; text-align: center; }
body .reveal .jp-RenderedHTMLCommon img.rs-figure { display: block; margin: 0 auto; max-width: 100%;
  width: auto; height: auto; object-fit: contain; }
body .reveal section[data-rs-layout="figure"] img:not(.rs-figure) { display: block; margin: 0 auto;
  max-width: 100%; max-height: {{ figure_height }}px; }
body .reveal .jp-RenderedHTMLCommon .MJXc-display { margin: 0.5em 0; }
body .reveal section[data-rs-layout="title"] { text-align: center; }
body .reveal section[data-rs-layout="title"] p { font-size: 0.7em; color: #555; }
body .reveal .slide-number { font-size: 14px; }
</style>
{%- endblock html_head_css -%}
{%- block footer_js -%}
<script>
require({waitSeconds: 15},
  ["{{ resources.reveal.url_prefix }}/dist/reveal.js", "{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"],
  function (Reveal, RevealNotes) {
    window.Reveal = Reveal;
    var W = {{ resources.reveal.width }}, H = {{ resources.reveal.height }}, MIN_FIT = {{ min_fit }};
    // Shrink the type of a slide whose content is larger than the slide, in steps of 5%.
    function fit(section) {
      var k = 1;
      section.style.fontSize = "";
      while ((section.scrollHeight > H + 1 || section.scrollWidth > W + 1) && k > MIN_FIT + 1e-9) {
        k -= 0.05;
        section.style.fontSize = k.toFixed(2) + "em";
      }
      section.setAttribute("data-rs-fit", k.toFixed(2));
    }
    function fitAll() {
      document.querySelectorAll(".reveal .slides section:not(.stack)").forEach(fit);
      Reveal.layout();
      document.documentElement.setAttribute("data-deck-ready", "true");
    }
    Reveal.initialize({
      // No arrows over the figures; the arrow keys, space and a presenter's clicker walk through every
      // slide in order (a section's slides included), Esc shows them all as a grid.
      controls: false, navigationMode: "linear", progress: true, hash: true, center: true, transition: "none",
      slideNumber: "{{ resources.reveal.number }}", width: W, height: H, margin: 0.04,
      viewDistance: 1000,  // every slide laid out at once, so MathJax measures them all
      plugins: [RevealNotes]
    }).then(function () {
      return document.fonts ? document.fonts.ready : null;
    }).then(function () {
      if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(fitAll); } else { fitAll(); }
    });
  });
</script>
{%- endblock footer_js -%}
"""


def make_exporter(offline=False):
    """An nbconvert ``SlidesExporter`` set up for the series (its template adds the layout's CSS)."""
    from jinja2 import DictLoader
    from nbconvert.exporters import SlidesExporter
    from traitlets.config import Config

    c = Config()
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_transition = "none"
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.reveal_width = str(WIDTH)
    c.SlidesExporter.reveal_height = str(HEIGHT)
    c.SlidesExporter.embed_images = True  # pictures in the text travel inside the deck
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    if offline:
        c.SlidesExporter.reveal_url_prefix = "_assets/reveal.js"
        c.SlidesExporter.require_js_url = "_assets/require.js"
        c.SlidesExporter.jquery_url = "_assets/jquery.min.js"
        c.SlidesExporter.mathjax_url = "_assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    exporter = SlidesExporter(config=c, extra_loaders=[DictLoader({"rmsprop_deck.html.j2": _TEMPLATE})])
    exporter.template_file = "rmsprop_deck.html.j2"
    exporter.environment.globals["min_fit"] = MIN_FIT
    exporter.environment.globals["figure_height"] = HEIGHT - _FIGURE_TOP
    return exporter


def export_deck(notebook, out, exporter):
    """Write ``out/<notebook name>.slides.html`` and return its path."""
    import nbformat

    notebook = Path(notebook)
    nb = deck_notebook(nbformat.read(notebook, as_version=4), name=notebook.stem)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem,
                                                                      "path": str(notebook.parent)}})
    path = Path(out) / f"{notebook.stem}.slides.html"
    path.write_text(body, encoding="utf-8")
    return path
