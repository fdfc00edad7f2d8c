"""HTML report: one self-contained file (works offline, no CDN) a journalist can attach or archive.

Contents: title and summary, the highlighted article with legend and hover tooltips, the charts (plotly.js
is embedded inline), every flag with its reason, neutral rewrites as diffs, the sentence table, and a footer
with model id, lexicon version, date and annotator version. All user text is escaped; a Content-Security-Policy
allows only the report's own inline scripts (by hash), so even a missed escape could not run injected code.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from functools import lru_cache
from html import escape

from annotator.document import Document
from annotator.export.naming import article_title
from annotator.render.article import (
    ARTICLE_CSS,
    article_html,
    bias_colour,
    legend_html,
    side_panel_html,
    tooltip_script,
)
from annotator.render.palette import category_styles, style_for
from annotator.render.rewrites import REWRITE_CSS, rewrites_html
from annotator.render.tables import grouped_annotation_rows, headline, sentence_rows
from annotator.rewrite import neutral_rewrites
from annotator.summary import BIASED_THRESHOLD

REPORT_CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f6f6f4;color:#1a1a1a;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
main{max-width:70rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
h1{font-size:1.7rem;margin:.2rem 0 .1rem}h2{font-size:1.25rem;margin:2rem 0 .5rem}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.75rem;color:#666;margin:0}
.sub{color:#555;margin:.2rem 0 1rem}
.card{background:#fff;border:1px solid #e3e3e0;border-radius:10px;padding:1rem 1.25rem;margin:.75rem 0}
.metrics{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.75rem}
.metric{background:#fff;border:1px solid #e3e3e0;border-radius:10px;padding:.7rem .9rem}
.metric .v{font-size:1.5rem;font-weight:650;line-height:1.2}.metric .l{font-size:.8rem;color:#555}
.metric .h{font-size:.75rem;color:#777;margin-top:.2rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(28rem,1fr));gap:.75rem}
.charts .card{margin:0;padding:.5rem;min-width:0;overflow:hidden}
table{border-collapse:collapse;width:100%;font-size:.85rem;background:#fff}
th,td{border-bottom:1px solid #e6e6e6;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#fafafa;position:sticky;top:0}td.num{text-align:right;white-space:nowrap}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.35rem;vertical-align:-.1rem}
.pill{display:inline-block;min-width:2.2rem;text-align:center;border-radius:.7rem;padding:0 .35rem;font-weight:600;
  font-size:.75rem}
.art-grid{display:grid;grid-template-columns:minmax(0,46rem) minmax(13rem,1fr);gap:2rem}
@media (max-width:60rem){.art-grid{grid-template-columns:1fr}}
td.where{font-size:.75rem;color:#555;min-width:9rem}
.muted{color:#777}footer{margin-top:2.5rem;font-size:.8rem;color:#555;border-top:1px solid #ddd;padding-top:.75rem}
@media print{body{background:#fff}.charts{display:block}.card{break-inside:avoid}th{position:static}}
"""


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


_SCRIPT_RE = re.compile(r"<script[^>]*>(.*?)</script>", re.S)


def _metric(value: str, label: str, hint: str = "") -> str:
    hint_html = f'<div class="h">{escape(hint)}</div>' if hint else ""
    label_html = f'<div class="l">{escape(label)}</div>'
    return f'<div class="metric"><div class="v">{escape(value)}</div>{label_html}{hint_html}</div>'


def _model_metric(doc: Document) -> str:
    model = doc.meta.get("model") or {}
    f1 = model.get("test_macro_f1")
    if not model:
        return _metric("–", "bias classifier", "not available: no sentence scores")
    value = f"{float(f1):.2f}" if isinstance(f1, int | float) else "?"
    return _metric(value, "classifier test macro-F1", f"model {model.get('model_id', 'unknown')}")


def charts_section(figures: dict) -> tuple[str, list[str]]:
    """Chart cards (HTML without scripts) and the scripts that draw them, to run at the end of the page."""
    blocks, scripts = [], []
    config = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
    for key, fig in figures.items():
        html = fig.to_html(full_html=False, include_plotlyjs=False, config=config, div_id=f"chart-{key}")
        # Scripts run at the end of the page, once the grid has its final size (else plots overflow).
        scripts += _SCRIPT_RE.findall(html)
        blocks.append(f'<div class="card">{_SCRIPT_RE.sub("", html)}</div>')
    return '<div class="charts">' + "".join(blocks) + "</div>", scripts


def _charts_html(doc: Document) -> tuple[str, list[str]]:
    from annotator.charts import all_figures

    return charts_section(all_figures(doc))


def render_page(*, kind: str, title: str, body: str, css: str, scripts: list[str], version: str) -> bytes:
    """A complete, self-contained report page. ``scripts``: plotly.js first, then the figure scripts; the
    tooltip placement script (``tooltip_script``) is always added at the end of the body.

    A Content-Security-Policy allows exactly these inline scripts (by hash) and nothing from outside.
    """
    tips = tooltip_script()
    script_src = " ".join(_csp_hash(x) for x in [*scripts, tips])
    csp = (
        f"default-src 'none'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        f"script-src {script_src}; base-uri 'none'; form-action 'none'"
    )
    plotly_tag = f'<script type="text/javascript">{scripts[0]}</script>' if scripts else ""
    figure_tags = "".join(f'<script type="text/javascript">{x}</script>' for x in [*scripts[1:], tips])
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="framing annotator {escape(version)}">
<title>{escape(kind)}: {escape(title)}</title>
<style>{css}</style>
{plotly_tag}
</head>
<body>
{body}
{figure_tags}
</body>
</html>
"""
    return page.encode("utf-8")


def _flags_table(doc: Document) -> str:
    """One row per term (repeats grouped, with how often and where), so a name used 11 times is one row."""
    styles = category_styles()
    rows = []
    for row in grouped_annotation_rows(doc):
        colour = style_for(doc.annotations[row["indices"][0]].category, styles).colour
        rows.append(
            f'<tr data-ann="{row["indices"][0]}"><td class="num">{row["#"]}</td><td><b>{escape(row["Text"])}</b></td>'
            f'<td class="num">{row["Count"]}</td>'
            f'<td><span class="swatch" style="background:{colour}"></span>{escape(row["Category"])}</td>'
            f"<td>{escape(row['Detector'])}</td><td>{escape(row['Voice'])}</td>"
            f'<td class="num">{row["Score"]:.2f}</td><td>{escape(row["Why"])}</td>'
            f'<td>{escape(row["Neutral wording"])}</td><td class="where">{escape(row["Where"])}</td></tr>'
        )
    if not rows:
        return '<p class="muted">Nothing flagged with the current settings.</p>'
    head = "<tr><th>#</th><th>Text</th><th>Uses</th><th>Category</th><th>Detector</th><th>Voice</th><th>Score</th>"
    head += "<th>Why it is flagged</th><th>Neutral wording</th><th>Where</th></tr>"
    return f'<table class="flags"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _sentences_table(doc: Document) -> str:
    rows = []
    for row in sentence_rows(doc):
        bias = row["Bias"]
        if bias is None:
            pill = '<span class="muted">–</span>'
        else:
            fg = "#fff" if bias >= BIASED_THRESHOLD else "#1a1a1a"
            pill = f'<span class="pill" style="background:{bias_colour(bias)};color:{fg}">{bias:.2f}</span>'
        rows.append(
            f'<tr><td class="num">{row["#"]}</td><td>{escape(row["Sentence"])}</td><td class="num">{pill}</td>'
            f"<td>{escape(row['Top words'])}</td><td>{escape(row['Voice'])}</td><td>{escape(row['Kind'])}</td>"
            f'<td class="num">{row["Flags"]}</td></tr>'
        )
    head = "<tr><th>#</th><th>Sentence</th><th>Bias</th><th>Words that pushed the score</th><th>Voice</th>"
    head += "<th>Kind</th><th>Flags</th></tr>"
    return f'<table class="sentences"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def footer_text(doc: Document, generated: dt.datetime) -> str:
    meta = doc.meta
    model = meta.get("model") or {}
    if model:
        f1 = model.get("test_macro_f1")
        f1_text = f", test macro-F1 {float(f1):.2f}" if isinstance(f1, int | float) else ""
        model_text = f"model {model.get('model_id', 'unknown')}{f1_text}"
    else:
        model_text = "no classifier (sentence bias scores not available)"
    view = meta.get("view") or {}
    settings = "all flags shown"
    if view:
        from annotator.filters import ViewSettings

        settings = ViewSettings.make(
            None if view.get("detectors") == "all" else view.get("detectors"),
            None if view.get("categories") == "all" else view.get("categories"),
            view.get("min_score", 0.0),
            view.get("include_quotes", True),
            view.get("ignored_terms", ()),
        ).describe()
    return (
        f"Generated {generated:%Y-%m-%d %H:%M} by framing annotator {meta.get('annotator_version', '?')} · "
        f"{model_text} · lexicon {meta.get('lexicon_version', '?')} · settings: {settings}"
    )


def to_html(
    doc: Document,
    *,
    include_charts: bool = True,
    title: str | None = None,
    generated: dt.datetime | None = None,
) -> bytes:
    """The report as UTF-8 bytes (``include_charts=False`` drops plotly.js: ~60 KB instead of ~5 MB)."""
    generated = generated or dt.datetime.now()
    title = title or article_title(doc)
    head = headline(doc)
    s = head.summary
    styles = category_styles()
    metrics = "".join(
        [
            _metric(head.biased_share, "sentences read as biased", head.biased_help),
            _metric(head.loaded_per_100, "loaded terms per 100 words", head.loaded_help),
            _metric(head.anonymous_sources, "anonymous sources"),
            _metric(str(len(doc.annotations)), "flags in total", f"{s.words:,} words, {s.sentences} sentences"),
            _model_metric(doc),
        ]
    )
    scripts: list[str] = []
    charts = ""
    if include_charts:
        charts_html, figure_scripts = _charts_html(doc)
        plotly_js = _plotly_js()
        scripts = [plotly_js, *figure_scripts]
        charts = f"<h2>Charts</h2>{charts_html}"
    bias_hint = (
        " The number before a sentence is how biased the classifier reads it (0–100)."
        if any(x.bias is not None for x in doc.sentences)
        else ""
    )
    body = f"""<main>
<p class="kicker">Framing report</p>
<h1>{escape(title)}</h1>
<p class="sub">{s.words:,} words · {len(doc.annotations)} flags · {escape(head.top_categories)}</p>
<section class="metrics">{metrics}</section>
<h2>Highlighted article</h2>
<p class="muted">Hover over (or tab to) a highlight to see why it was flagged and a neutral alternative.{bias_hint}</p>
<div class="card">{legend_html(doc, styles)}<div class="art-grid"><div>{article_html(doc, styles)}</div>
<aside>{side_panel_html(doc)}</aside></div></div>
{charts}
<h2>Every flag, with the reason</h2>
{_flags_table(doc)}
<h2>Neutral rewrites</h2>
<p class="muted">Each flagged sentence with its loaded terms swapped for the first neutral alternative: removed words
are struck through, the neutral wording is highlighted. Words inside direct quotes are never changed.</p>
{rewrites_html(doc, neutral_rewrites(doc))}
<h2>Sentences</h2>
{_sentences_table(doc)}
<footer>{escape(footer_text(doc, generated))}</footer>
</main>"""
    return render_page(
        kind="Framing report",
        title=title,
        body=body,
        css=ARTICLE_CSS + REWRITE_CSS + REPORT_CSS,
        scripts=scripts,
        version=str(doc.meta.get("annotator_version", "")),
    )
