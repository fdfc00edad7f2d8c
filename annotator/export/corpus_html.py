"""The corpus report of a batch run as one self-contained HTML page (plotly.js inline, no CDN).

Uses the page shell of the single-article report (``render_page``: CSP with script hashes, shared CSS);
every piece of corpus text (sources, terms, file names) is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import plotly.graph_objects as go

from annotator import __version__
from annotator.charts import _VOICE_COLOUR, _empty, _layout
from annotator.export.html_writer import REPORT_CSS, _metric, _plotly_js, charts_section, render_page

_MAX_BARS = 40  # sources shown in a bar chart; the CSV has them all


def loaded_by_source_figure(by_source: Any) -> go.Figure:
    title = "Loaded terms per 1,000 words, by source"
    if by_source.empty:
        return _empty(title, "No documents.")
    top = by_source.sort_values("loaded_per_1000_words", ascending=False).head(_MAX_BARS)
    fig = go.Figure(
        go.Bar(
            x=top["loaded_per_1000_words"],
            y=[escape(s) for s in top["source"]],
            orientation="h",
            marker_color="#2F5D8A",
            customdata=list(zip(top["documents"], top["words"], strict=True)),
            hovertemplate="%{y}: %{x:.2f} per 1,000 words<br>%{customdata[0]} documents, "
            "%{customdata[1]:,} words<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=max(240, 60 + 24 * len(top)))


def loaded_by_month_figure(by_month: Any) -> go.Figure:
    title = "Loaded terms per 1,000 words, by month"
    if by_month.empty:
        return _empty(title, "No document has a date (use --date-column).")
    fig = go.Figure()
    for source, part in by_month.groupby("source", sort=True):
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["loaded_per_1000_words"],
                mode="lines+markers",
                name=escape(str(source)),
                hovertemplate="%{x}: %{y:.2f} per 1,000 words<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_xaxes(type="category", title="month")
    return _layout(fig, title)


def biased_by_voice_figure(by_voice: Any) -> go.Figure:
    title = "Share of biased sentences (score ≥ 0.5), by voice"
    if by_voice.empty:
        return _empty(title, "No sentence scores (the run used --no-classifier).")
    fig = go.Figure()
    for voice, part in by_voice.groupby("voice", sort=False):
        fig.add_trace(
            go.Bar(
                x=[escape(str(s)) for s in part["source"]],
                y=part["biased_share"],
                name=str(voice),
                marker_color=_VOICE_COLOUR.get(str(voice)),
                customdata=list(zip(part["biased_sentences"], part["scored_sentences"], strict=True)),
                hovertemplate="%{x}: %{y:.0%} (%{customdata[0]} of %{customdata[1]})<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return _layout(fig, title)


def _top_terms_table(top_terms: Any) -> str:
    if top_terms.empty:
        return '<p class="muted">No loaded terms found.</p>'
    rows = []
    for source, part in top_terms.groupby("source", sort=True):
        terms = ", ".join(f"{escape(str(t))} ({n})" for t, n in zip(part["term"], part["count"], strict=True))
        rows.append(f"<tr><td>{escape(str(source))}</td><td>{terms}</td></tr>")
    head = "<tr><th>source</th><th>most frequent loaded terms (count)</th></tr>"
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def to_corpus_html(tables: Any, *, title: str, generated: dt.datetime | None = None) -> bytes:
    """The report page for ``CorpusTables`` (see ``annotator.batch.report``)."""
    generated = generated or dt.datetime.now()
    figures = {
        "by-source": loaded_by_source_figure(tables.by_source),
        "by-month": loaded_by_month_figure(tables.by_month),
        "by-voice": biased_by_voice_figure(tables.by_voice),
    }
    charts_html, figure_scripts = charts_section(figures)
    loaded = int(tables.by_source["loaded_terms"].sum()) if not tables.by_source.empty else 0
    rate = f"{1000 * loaded / tables.words:.2f}" if tables.words else "–"
    metrics = "".join(
        [
            _metric(f"{tables.documents:,}", "documents"),
            _metric(f"{len(tables.sources):,}", "sources"),
            _metric(f"{tables.words:,}", "words"),
            _metric(rate, "loaded terms per 1,000 words"),
        ]
    )
    body = f"""<main>
<p class="kicker">Corpus framing report</p>
<h1>{escape(title)}</h1>
<p class="sub">Loaded terms from the word list, and sentence bias scores, across every document of a batch run.</p>
<div class="metrics">{metrics}</div>
<h2>Charts</h2>
{charts_html}
<h2>Top loaded terms by source</h2>
{_top_terms_table(tables.top_terms)}
<footer>Generated {generated:%Y-%m-%d %H:%M} by framing annotator {escape(__version__)} · the same figures are
in the CSV files written beside this page.</footer>
</main>"""
    return render_page(
        kind="Corpus framing report",
        title=title,
        body=body,
        css=REPORT_CSS,
        scripts=[_plotly_js(), *figure_scripts],
        version=__version__,
    )
