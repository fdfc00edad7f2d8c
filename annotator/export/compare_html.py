"""Comparison report: two articles' framing side by side in one self-contained HTML file (works offline).

Contents: the framing profiles of A and B, the comparison charts (plotly.js inline), the loaded terms only A
uses / both use / only B uses, the loaded-term vs neutral-word pairs, and both highlighted articles with their
hover explanations. It reuses the single-article report's styles, renderers and safety rules: all user text
(articles, names) is escaped, and a Content-Security-Policy allows only the report's own scripts (by hash).
``to_compare_json`` is the machine-readable twin (``Comparison.to_dict`` with ``schema_version``).
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from annotator.compare import Comparison
from annotator.export.html_writer import REPORT_CSS, _plotly_js, charts_section, render_page
from annotator.render.article import ARTICLE_CSS, article_html, legend_html
from annotator.render.palette import category_styles, style_for
from annotator.render.tables import pair_rows, profile_rows, side_labels

COMPARE_CSS = """
.cmp-grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:1rem}
@media (max-width:60rem){.cmp-grid{grid-template-columns:1fr}}
.cmp-grid>.card{margin:0;min-width:0}
.cmp-grid .fa-article{max-width:none;font-size:1rem}
.side{display:inline-block;width:.75rem;height:.75rem;border-radius:2px;margin-right:.4rem;vertical-align:-.05rem}
.terms{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:1rem}
@media (max-width:60rem){.terms{grid-template-columns:1fr}}
.terms h3{font-size:1rem;margin:.1rem 0 .4rem}
.terms ul{list-style:none;margin:0;padding:0}.terms li{margin:0 0 .3rem}
.terms .n{color:#555;font-size:.85rem}
td.measure{font-weight:600;white-space:nowrap}
"""


def _side_chip(colour: str) -> str:
    return f'<span class="side" style="background:{colour}"></span>'


def _profile_table(cmp: Comparison, colours: tuple[str, str]) -> str:
    label_a, label_b = side_labels(cmp)
    head = (
        f"<tr><th>Measure</th><th>{_side_chip(colours[0])}{escape(label_a)}</th>"
        f"<th>{_side_chip(colours[1])}{escape(label_b)}</th><th>What it means</th></tr>"
    )
    body = "".join(
        f'<tr><td class="measure">{escape(r["Measure"])}</td><td>{escape(r["A"])}</td><td>{escape(r["B"])}</td>'
        f'<td class="muted">{escape(r["What it means"])}</td></tr>'
        for r in profile_rows(cmp)
    )
    return f'<table class="profile"><thead>{head}</thead><tbody>{body}</tbody></table>'


def _term_list(cmp: Comparison, where: str) -> str:
    styles = category_styles()
    items = []
    for row in cmp.term_rows():
        if row["in"] != where:
            continue
        colour = style_for(str(row["category"]), styles).colour
        counts = {"A": f"×{row['count_a']}", "B": f"×{row['count_b']}"}.get(
            where, f"A ×{row['count_a']}, B ×{row['count_b']}"
        )
        alternatives = row["alternatives"]
        neutral = "; ".join(alternatives) if isinstance(alternatives, list) and alternatives else ""
        neutral_html = f'<br><span class="n">neutral: {escape(neutral)}</span>' if neutral else ""
        items.append(
            f'<li><span class="swatch" style="background:{colour}"></span><b>{escape(str(row["term"]))}</b> '
            f'<span class="n">{escape(counts)}</span>{neutral_html}</li>'
        )
    return "<ul>" + "".join(items) + "</ul>" if items else '<p class="muted">None.</p>'


def _terms_html(cmp: Comparison) -> str:
    label_a, label_b = side_labels(cmp)
    columns = [
        (f"Only {label_a} uses", "A"),
        ("Both use", "both"),
        (f"Only {label_b} uses", "B"),
    ]
    return (
        '<div class="terms">'
        + "".join(f'<div class="card"><h3>{escape(title)}</h3>{_term_list(cmp, w)}</div>' for title, w in columns)
        + "</div>"
    )


def _pairs_html(cmp: Comparison) -> str:
    rows = pair_rows(cmp)
    if not rows:
        return '<p class="muted">No loaded term in one text has its neutral alternative in the other.</p>'
    head = "<tr><th>Loaded term</th><th>Used in</th><th>Neutral wording in the other text</th><th>Category</th></tr>"
    body = "".join(
        f"<tr><td><b>{escape(r['Loaded term'])}</b></td><td>{escape(r['Used in'])}</td>"
        f'<td>{escape(r["Neutral wording in the other text"])} <span class="muted">({escape(r["Other text"])})'
        f"</span></td><td>{escape(r['Category'])}</td></tr>"
        for r in rows
    )
    return f'<table class="pairs"><thead>{head}</thead><tbody>{body}</tbody></table>'


def _charts_html(cmp: Comparison) -> tuple[str, list[str]]:
    from annotator.charts import compare_figures

    return charts_section(compare_figures(cmp))


def _articles_html(cmp: Comparison, colours: tuple[str, str]) -> str:
    styles = category_styles()
    cards = []
    for label, doc, colour in zip(side_labels(cmp), (cmp.a, cmp.b), colours, strict=True):
        cards.append(
            f'<div class="card"><h3>{_side_chip(colour)}{escape(label)}</h3>{legend_html(doc, styles)}'
            f"{article_html(doc, styles)}</div>"
        )
    return '<div class="cmp-grid">' + "".join(cards) + "</div>"


def footer_text(cmp: Comparison, generated: dt.datetime) -> str:
    meta = cmp.a.meta
    model = meta.get("model") or {}
    model_text = f"model {model.get('model_id', 'unknown')}" if model else "no classifier (no sentence scores)"
    return (
        f"Generated {generated:%Y-%m-%d %H:%M} by framing annotator {meta.get('annotator_version', '?')} · "
        f"{model_text} · lexicon {meta.get('lexicon_version', '?')}"
    )


def to_compare_html(
    cmp: Comparison, *, include_charts: bool = True, title: str | None = None, generated: dt.datetime | None = None
) -> bytes:
    """The comparison report as UTF-8 bytes (``include_charts=False`` drops plotly.js: far smaller)."""
    from annotator.charts import SIDE_COLOURS

    generated = generated or dt.datetime.now()
    label_a, label_b = side_labels(cmp)
    title = title or f"{label_a} vs {label_b}"
    scripts: list[str] = []
    charts = ""
    if include_charts:
        charts_html, figure_scripts = _charts_html(cmp)
        scripts = [_plotly_js(), *figure_scripts]
        charts = f"<h2>Charts</h2>{charts_html}"
    words = f"{cmp.profile_a.summary.words:,} and {cmp.profile_b.summary.words:,} words"
    body = f"""<main>
<p class="kicker">Framing comparison</p>
<h1>{escape(title)}</h1>
<p class="sub">{words} · {len(cmp.only_a)} loaded terms only in {escape(label_a)}, {len(cmp.only_b)} only in
{escape(label_b)}, {len(cmp.both)} in both</p>
<h2>Framing profiles</h2>
{_profile_table(cmp, SIDE_COLOURS)}
{charts}
<h2>Loaded terms</h2>
<p class="muted">Terms from the word list, grouped by which text uses them (inflections and variants count as one
term).</p>
{_terms_html(cmp)}
<h2>Same event, different words</h2>
<p class="muted">A loaded term in one text where the other uses one of its neutral alternatives (for example
"coup d'etat" against "revolution").</p>
{_pairs_html(cmp)}
<h2>The two articles</h2>
<p class="muted">Hover over (or tab to) a highlight to see why it was flagged and a neutral alternative.</p>
{_articles_html(cmp, SIDE_COLOURS)}
<footer>{escape(footer_text(cmp, generated))}</footer>
</main>"""
    return render_page(
        kind="Framing comparison",
        title=title,
        body=body,
        css=ARTICLE_CSS + REPORT_CSS + COMPARE_CSS,
        scripts=scripts,
        version=str(cmp.a.meta.get("annotator_version", "")),
    )


def to_compare_json(cmp: Comparison) -> bytes:
    """``Comparison.to_dict()`` (with ``schema_version``) as UTF-8 JSON."""
    return (json.dumps(cmp.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def compare_filename(cmp: Comparison, extension: str, date: dt.date | None = None) -> str:
    """``<a>_vs_<b>_framing-comparison_<YYYY-MM-DD>.<ext>`` (ASCII, safe on every file system)."""
    from annotator.export.naming import slugify

    date = date or dt.date.today()
    a, b = (slugify(p.name, max_words=4) for p in (cmp.profile_a, cmp.profile_b))
    return f"{a}_vs_{b}_framing-comparison_{date.isoformat()}.{extension.lstrip('.')}"
