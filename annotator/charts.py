"""Plotly figures of a (filtered) Document or of a two-text Comparison: pure functions, the same in the app and
the HTML reports.

Each bar carries its category's colour from ``annotator.render.palette`` so charts match the highlights. User
text that appears in hover labels is HTML-escaped (plotly renders a subset of HTML in labels).
"""

from __future__ import annotations

from collections import Counter
from html import escape

import plotly.graph_objects as go

from annotator.compare import Comparison
from annotator.document import Document
from annotator.render.palette import VOICE_LABELS, CategoryStyle, category_styles, style_for
from annotator.summary import BIASED_THRESHOLD

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
_VOICE_ORDER = ("author", "reported", "quote")
_VOICE_SYMBOL = {"author": "circle", "reported": "diamond", "quote": "square"}
_VOICE_PATTERN = {"author": "", "reported": ".", "quote": "/"}
# Legends sit under the plot, anchored to the figure (not the axes) so they never cover the axis title.
_BOTTOM_LEGEND = {
    "orientation": "h", "yref": "container", "y": 0.01, "yanchor": "bottom",
    "xref": "container", "x": 0.01, "xanchor": "left", "title": {"text": ""},
}  # fmt: skip
_LEGEND_MARGIN = {"l": 10, "r": 10, "t": 46, "b": 80}
_VOICE_COLOUR = {"author": "#222222", "reported": "#777777", "quote": "#BBBBBB"}


def _layout(fig: go.Figure, title: str, height: int = 340, **kwargs: object) -> go.Figure:
    kwargs.setdefault("margin", {"l": 10, "r": 10, "t": 46, "b": 10})
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        template="plotly_white",
        font={"family": FONT, "size": 12, "color": "#222"},
        height=height,
        hoverlabel={"font": {"family": FONT}},
        **kwargs,
    )
    return fig


def _empty(title: str, message: str, height: int = 220) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 13})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, height=height)


def _threshold_line(fig: go.Figure) -> None:
    """The dotted line at the classifier's 'reads as biased' threshold."""
    fig.add_hline(
        y=BIASED_THRESHOLD,
        line={"dash": "dot", "color": "#CC6677", "width": 1},
        annotation_text="reads as biased above this line",
        annotation_position="top left",
        annotation_font={"size": 11, "color": "#882255"},
    )


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[: limit - 1].rstrip() + "…")


def category_distribution(doc: Document, styles: dict[str, CategoryStyle] | None = None) -> go.Figure:
    """How many flags per framing category (horizontal bars, biggest on top)."""
    title = "Flags by framing category"
    styles = styles if styles is not None else category_styles()
    counts = Counter(a.category for a in doc.annotations)
    if not counts:
        return _empty(title, "Nothing flagged with the current settings.")
    ordered = sorted(counts, key=lambda c: (counts[c], -style_for(c, styles).order))
    cats = [style_for(c, styles) for c in ordered]
    fig = go.Figure(
        go.Bar(
            x=[counts[c] for c in ordered],
            y=[c.name for c in cats],
            orientation="h",
            marker={"color": [c.colour for c in cats], "line": {"width": 0}},
            text=[counts[c] for c in ordered],
            textposition="outside",
            customdata=[escape(c.description) for c in cats],
            hovertemplate="<b>%{y}</b>: %{x}<br>%{customdata}<extra></extra>",
            cliponaxis=False,
        )
    )
    fig.update_xaxes(title_text="number of flags", rangemode="tozero")
    return _layout(fig, title, height=max(220, 60 + 30 * len(ordered)), showlegend=False)


def bias_along_article(doc: Document) -> go.Figure:
    """The classifier's bias score per sentence, in reading order (x = sentence number)."""
    title = "Bias score along the article"
    points = [(i + 1, s) for i, s in enumerate(doc.sentences) if s.bias is not None]
    if not points:
        return _empty(title, "No sentence scores: the bias classifier is not available.")
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[i for i, _ in points],
            y=[s.bias for _, s in points],
            mode="lines",
            line={"color": "#BBBBBB", "width": 1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for voice in _VOICE_ORDER:
        chosen = [(i, s) for i, s in points if s.voice == voice]
        if not chosen:
            continue
        fig.add_trace(
            go.Scatter(
                x=[i for i, _ in chosen],
                y=[s.bias for _, s in chosen],
                mode="markers",
                name=VOICE_LABELS[voice],
                marker={"symbol": _VOICE_SYMBOL[voice], "size": 8, "color": _VOICE_COLOUR[voice]},
                customdata=[_short(doc.evidence(s.span)) for _, s in chosen],
                hovertemplate="Sentence %{x}: bias %{y:.2f}<br>%{customdata}<extra></extra>",
            )
        )
    _threshold_line(fig)
    fig.update_xaxes(title_text="sentence number", rangemode="tozero")
    fig.update_yaxes(title_text="bias score", range=[0, 1.02])
    return _layout(fig, title, height=380, legend=_BOTTOM_LEGEND, margin=_LEGEND_MARGIN)


def voice_by_category(doc: Document, styles: dict[str, CategoryStyle] | None = None) -> go.Figure:
    """Flags in the writer's own words vs in reported speech vs inside direct quotes, per category."""
    title = "Whose words? Writer vs quotes, by category"
    styles = styles if styles is not None else category_styles()
    counts = Counter((a.category, a.voice) for a in doc.annotations)
    if not counts:
        return _empty(title, "Nothing flagged with the current settings.")
    totals = Counter(a.category for a in doc.annotations)
    ordered = sorted(totals, key=lambda c: (totals[c], -style_for(c, styles).order))
    cats = [style_for(c, styles) for c in ordered]
    fig = go.Figure()
    for voice in _VOICE_ORDER:
        values = [counts.get((c, voice), 0) for c in ordered]
        if not any(values):
            continue
        pattern = {"shape": _VOICE_PATTERN[voice], "fgcolor": "#FFFFFF", "solidity": 0.45}
        # One trace per category keeps a single colour per trace (plotly patterns dislike colour arrays).
        for cat, value in zip(cats, values, strict=True):
            if not value:
                continue
            fig.add_trace(
                go.Bar(
                    x=[value],
                    y=[cat.name],
                    orientation="h",
                    name=VOICE_LABELS[voice],
                    legendgroup=voice,
                    showlegend=False,
                    marker={
                        "color": cat.colour,
                        "opacity": 1.0 if voice == "author" else 0.75,
                        "pattern": pattern,
                        "line": {"width": 1, "color": "#FFFFFF"},
                    },
                    hovertemplate="%{y}<br>" + VOICE_LABELS[voice] + ": %{x}<extra></extra>",
                )
            )
        # A grey stand-in for the legend (the real bars carry one colour per category).
        fig.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                orientation="h",
                name=VOICE_LABELS[voice],
                legendgroup=voice,
                marker={"color": "#777777", "pattern": pattern},
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title_text="number of flags", rangemode="tozero")
    fig.update_yaxes(categoryorder="array", categoryarray=[c.name for c in cats])
    return _layout(
        fig,
        title,
        height=max(280, 150 + 34 * len(ordered)),
        barmode="stack",
        legend={**_BOTTOM_LEGEND, "traceorder": "normal"},
        margin=_LEGEND_MARGIN,
    )


def top_terms(doc: Document, styles: dict[str, CategoryStyle] | None = None, n: int = 12) -> go.Figure:
    """The most frequent flagged words and phrases, coloured by their category."""
    title = "Most frequent loaded terms"
    styles = styles if styles is not None else category_styles()
    counts: Counter[tuple[str, str]] = Counter()
    for a in doc.annotations:
        if a.detector in ("lexicon", "hedge"):
            # Group inflections and variants under the word-list term ("Kiev's" counts as "Kiev").
            term = a.term or " ".join(doc.evidence(a.span).split())
            counts[(term, a.category)] += 1
    if not counts:
        return _empty(title, "No loaded terms with the current settings.")
    chosen = sorted(counts.most_common(n), key=lambda item: item[1])
    cats = [style_for(c, styles) for (_, c), _ in chosen]
    fig = go.Figure(
        go.Bar(
            x=[k for _, k in chosen],
            y=[_short(t, 40) for (t, _), _ in chosen],
            orientation="h",
            marker={"color": [c.colour for c in cats], "line": {"width": 0}},
            text=[k for _, k in chosen],
            textposition="outside",
            customdata=[escape(c.name) for c in cats],
            hovertemplate="<b>%{y}</b>: %{x}×<br>%{customdata}<extra></extra>",
            cliponaxis=False,
        )
    )
    fig.update_xaxes(title_text="times used", rangemode="tozero", dtick=1 if chosen[-1][1] <= 8 else None)
    return _layout(fig, title, height=max(220, 60 + 28 * len(chosen)), showlegend=False)


def all_figures(doc: Document, styles: dict[str, CategoryStyle] | None = None) -> dict[str, go.Figure]:
    """Every chart, keyed by a stable id (used by the app and the HTML report)."""
    return {
        "categories": category_distribution(doc, styles),
        "bias": bias_along_article(doc),
        "voice": voice_by_category(doc, styles),
        "terms": top_terms(doc, styles),
    }


# ---- comparing two texts -------------------------------------------------------------------------------

# Text A and text B: a blue and an orange that differ in lightness too (readable in greyscale and for
# red-green colour blindness), and that are not used for any category.
SIDE_COLOURS = ("#2F5D8A", "#E08A2C")
_DEVICES = (("anonymous_source", "Anonymous sources"), ("scare_quote", "Scare quotes"), ("hedge", "Hedges"))


def _side_names(cmp: Comparison) -> tuple[str, str]:
    """Short, escaped names for legends (names are user text)."""
    return _short(cmp.profile_a.name, 30), _short(cmp.profile_b.name, 30)


def compare_categories(cmp: Comparison, styles: dict[str, CategoryStyle] | None = None) -> go.Figure:
    """Flags per 100 words by category, A and B side by side (grouped bars)."""
    title = "Flags per 100 words, by category"
    styles = styles if styles is not None else category_styles()
    pa, pb = cmp.profile_a.per_100_words, cmp.profile_b.per_100_words
    categories = sorted(set(pa) | set(pb), key=lambda c: (-(pa.get(c, 0) + pb.get(c, 0)), style_for(c, styles).order))
    if not categories:
        return _empty(title, "Nothing flagged in either text with the current settings.")
    labels = [style_for(c, styles).name for c in categories]
    fig = go.Figure()
    for name, per_100, colour in zip(_side_names(cmp), (pa, pb), SIDE_COLOURS, strict=True):
        values = [per_100.get(c, 0.0) for c in categories]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=name,
                marker={"color": colour, "line": {"width": 0}},
                text=[f"{v:.1f}" if v else "" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"<b>{name}</b><br>%{{x}}: %{{y:.2f}} per 100 words<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="flags per 100 words", rangemode="tozero")
    fig.update_xaxes(tickangle=-30 if len(categories) > 4 else 0)
    return _layout(fig, title, height=420, barmode="group", legend=_BOTTOM_LEGEND, margin=_LEGEND_MARGIN)


def compare_bias(cmp: Comparison) -> go.Figure:
    """Distribution of the classifier's sentence scores in A and B (box with every sentence as a point)."""
    title = "Sentence bias scores"
    if not cmp.profile_a.biases and not cmp.profile_b.biases:
        return _empty(title, "No sentence scores: the bias classifier is not available.")
    fig = go.Figure()
    for name, profile, colour in zip(_side_names(cmp), (cmp.profile_a, cmp.profile_b), SIDE_COLOURS, strict=True):
        fig.add_trace(
            go.Box(
                y=profile.biases,
                name=name,
                marker={"color": colour, "size": 6},
                line={"color": colour},
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                boxmean=True,
                hovertemplate="bias %{y:.2f}<extra>" + name + "</extra>",
            )
        )
    _threshold_line(fig)
    fig.update_yaxes(title_text="bias score", range=[0, 1.02])
    return _layout(fig, title, height=380, showlegend=False)


def compare_devices(cmp: Comparison) -> go.Figure:
    """Counts of anonymous sources, scare quotes and hedges in A and B."""
    title = "Anonymous sources and other framing devices"
    names = _side_names(cmp)
    counts = [[p.summary.detectors.get(d, 0) for d, _ in _DEVICES] for p in (cmp.profile_a, cmp.profile_b)]
    fig = go.Figure()
    for name, values, colour in zip(names, counts, SIDE_COLOURS, strict=True):
        fig.add_trace(
            go.Bar(
                x=[label for _, label in _DEVICES],
                y=values,
                name=name,
                marker={"color": colour, "line": {"width": 0}},
                text=values,
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"<b>{name}</b><br>%{{x}}: %{{y}}<extra></extra>",
            )
        )
    top = max(max(values) for values in counts)
    fig.update_yaxes(title_text="number found", rangemode="tozero", dtick=1 if top <= 8 else None)
    return _layout(fig, title, height=360, barmode="group", legend=_BOTTOM_LEGEND, margin=_LEGEND_MARGIN)


def compare_voice(cmp: Comparison) -> go.Figure:
    """Share of each text inside direct quotes vs the writer's own words (incl. reported speech)."""
    title = "Quoted words vs the writer's own words"
    names = list(_side_names(cmp))
    quoted = [cmp.profile_a.quoted_share, cmp.profile_b.quoted_share]
    fig = go.Figure()
    own_text = [f"{1 - q:.0%} own words · {q:.0%} quoted" for q in quoted]
    for label, values, colour, pattern, text in (
        ("writer's own words (and reported speech)", [1 - q for q in quoted], "#444444", "", own_text),
        ("inside direct quotes", quoted, "#BBBBBB", "/", None),
    ):
        fig.add_trace(
            go.Bar(
                x=values,
                y=names,
                orientation="h",
                name=label,
                marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "#FFFFFF", "solidity": 0.3}},
                text=text,
                textposition="inside",
                textangle=0,
                insidetextanchor="middle",
                hovertemplate="%{y}: %{x:.0%} " + label + "<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="share of the text (characters)", range=[0, 1], tickformat=".0%")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=260, barmode="stack", legend=_BOTTOM_LEGEND, margin=_LEGEND_MARGIN)


def compare_figures(cmp: Comparison, styles: dict[str, CategoryStyle] | None = None) -> dict[str, go.Figure]:
    """Every comparison chart, keyed by a stable id (used by the Compare page and the comparison report)."""
    return {
        "categories": compare_categories(cmp, styles),
        "bias": compare_bias(cmp),
        "devices": compare_devices(cmp),
        "voice": compare_voice(cmp),
    }
