"""The highlighted article as HTML: one colour per category, a hover tooltip per flag, sentence bias markers.

Used by the app (``st.html``) and by the HTML report, so both look the same. Every piece of user text goes
through ``html.escape``; tooltips are plain text in a ``data-tip`` attribute shown by CSS (``attr()``), so no
user text ever reaches markup or script. Overlapping spans are nested properly by splitting inner elements
where they cross an outer boundary.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from html import escape

from annotator.document import Annotation, Document
from annotator.render.palette import (
    DETECTOR_LABELS,
    VOICE_LABELS,
    CategoryStyle,
    category_styles,
    style_for,
)
from annotator.summary import BIASED_THRESHOLD

# Scoped under .fa-article so it cannot restyle the host page (Streamlit or the report).
ARTICLE_CSS = """
.fa-article{font-family:Georgia,'Times New Roman',serif;font-size:1.06rem;line-height:1.75;color:#1a1a1a;
  white-space:pre-wrap;overflow-wrap:anywhere;max-width:46rem;padding:.25rem 0 1rem 0}
.fa-article .fa-s{border-radius:3px;padding:.08em 0;box-decoration-break:clone;-webkit-box-decoration-break:clone}
.fa-article .fa-s[data-bias]::before{content:attr(data-bias);display:inline-block;font:600 .7rem/1.35 system-ui,
  sans-serif;min-width:1.9em;text-align:center;border-radius:.6em;padding:0 .3em;margin-right:.3em;
  vertical-align:.18em;color:var(--bt,#fff);background:var(--bc,#777)}
.fa-article .fa-s[data-bias]{background:rgba(80,80,80,calc(var(--ba,0)*.2))}
.fa-article .fa-pb{display:block;height:.6em;overflow:hidden}
.fa-article .fa-k-heading{font-weight:700;font-family:system-ui,sans-serif;font-size:1.08em}
.fa-article .fa-k-caption,.fa-article .fa-k-credit,.fa-article .fa-k-dateline{color:#767676;
  font-family:system-ui,sans-serif;font-size:.85em}
.fa-article .fa-q{font-style:italic;color:#24405c;text-decoration:underline dotted #8aa1b8;
  text-underline-offset:.28em}
.fa-article .fa-m{position:relative;background:var(--t);color:inherit;border-radius:2px;padding:0 1px;
  box-shadow:inset 0 -3px 0 var(--c);cursor:help;box-decoration-break:clone;-webkit-box-decoration-break:clone}
.fa-article .fa-m .fa-m{box-shadow:inset 0 -3px 0 var(--c),inset 0 -6px 0 #fff}
.fa-article .fa-m:focus{outline:2px solid var(--c);outline-offset:1px}
.fa-article .fa-m[data-det=loaded_word]{background:transparent;box-shadow:none;border-bottom:2px dashed var(--c)}
.fa-article .fa-m::after{content:attr(data-tip);display:none;position:absolute;left:0;top:100%;z-index:1000;
  margin-top:.35rem;width:max-content;max-width:min(24rem,80vw);white-space:pre-line;text-align:left;
  font:400 .8rem/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;font-style:normal;color:#111;
  background:#fff;border:1px solid #bbb;border-left:6px solid var(--c);border-radius:6px;padding:.5rem .65rem;
  box-shadow:0 4px 16px rgba(0,0,0,.18);pointer-events:none}
.fa-article .fa-m:hover:not(:has(.fa-m:hover))::after,.fa-article .fa-m:focus::after{display:block}
.fa-article .fa-m.fa-up::after{top:auto;bottom:100%;margin-top:0;margin-bottom:.35rem}
.fa-legend{display:flex;flex-wrap:wrap;gap:.35rem .5rem;font:400 .85rem/1.4 system-ui,sans-serif;margin:.2rem 0 .6rem}
.fa-legend .fa-chip{display:inline-flex;align-items:center;gap:.35rem;padding:.1rem .5rem;border-radius:1rem;
  background:var(--t);box-shadow:inset 0 -3px 0 var(--c);color:#111}
.fa-legend .fa-chip b{font-weight:600}
.fa-legend .fa-key{display:inline-flex;align-items:center;gap:.35rem;padding:.1rem .4rem;color:#444}
.fa-legend .fa-key .fa-model{border-bottom:2px dashed #888}
.fa-legend .fa-key .fa-q{font-style:italic;color:#24405c;text-decoration:underline dotted #8aa1b8;
  text-underline-offset:.28em}
.fa-side{font:400 .88rem/1.45 system-ui,sans-serif;color:#222}
.fa-side h4{font-size:.95rem;margin:.2rem 0 .45rem;font-weight:650}
.fa-side ol{list-style:none;padding:0;margin:0 0 1rem}
.fa-side li{margin:0 0 .55rem;padding-left:2.6em;text-indent:-2.6em}
.fa-side a{color:inherit;text-decoration:none}.fa-side a:hover{text-decoration:underline}
.fa-side .fa-dot{text-indent:0;margin-right:.45em;min-width:2.1em;text-align:center}
.fa-side table{border-collapse:collapse;font-size:.85rem}.fa-side td{padding:.1rem .6rem .1rem 0}
.fa-legend .fa-dot,.fa-side .fa-dot{display:inline-block;font:600 .7rem/1.35 system-ui,sans-serif;border-radius:.6em;
  padding:0 .3em;color:#fff}
"""


def tooltip_script(document: str = "document", window: str = "window") -> str:
    """JavaScript that flips a highlight's tooltip above it when there is not room below in the window
    (near the bottom the neutral wording line was cut off). CSS alone cannot know where the window ends.

    One delegated listener on ``document`` (``window.parent.document`` from the app's helper iframe), added
    once; it only toggles the ``fa-up`` class on the mark being hovered or focused.
    """
    return (
        "(function(doc,win){if(doc.__faTips){return;}doc.__faTips=true;"
        "function place(e){var t=e.target;var m=t&&t.closest?t.closest('.fa-article .fa-m'):null;if(!m){return;}"
        "var r=m.getBoundingClientRect();var tip=(m.getAttribute('data-tip')||'');"
        "var need=48+19*(Math.ceil(tip.length/46)+(tip.match(/\\n/g)||[]).length);"
        "var below=win.innerHeight-r.bottom;m.classList.toggle('fa-up',below<need&&r.top>below);}"
        f"doc.addEventListener('mouseover',place,true);doc.addEventListener('focusin',place,true);}})({document},{window});"
    )


# Sentence bias badge colours: a single-hue grey ramp (readable for every kind of colour vision and
# distinct from the category colours).
_BIAS_RAMP = ((0.0, "#E0E0E0"), (0.25, "#C2C2C2"), (0.5, "#666666"), (0.75, "#2B2B2B"))


def bias_colour(bias: float) -> str:
    colour = _BIAS_RAMP[0][1]
    for threshold, value in _BIAS_RAMP:
        if bias >= threshold:
            colour = value
    return colour


def bias_alpha(bias: float) -> float:
    """Strength of a sentence's background shading: none below the threshold, then growing with the score."""
    if bias < BIASED_THRESHOLD:
        return 0.0
    return round(0.35 + 0.65 * (bias - BIASED_THRESHOLD) / (1 - BIASED_THRESHOLD), 3)


def tooltip_text(a: Annotation, style: CategoryStyle | None = None) -> str:
    """The plain-text tooltip of one flag: category, detector, why, alternatives, score, voice."""
    style = style or style_for(a.category)
    detector = DETECTOR_LABELS.get(a.detector, a.detector)
    lines = [f"{style.name} · {detector}", a.explanation.strip()]
    if a.alternatives:
        label = "Automatic suggestion (check it)" if a.alternatives_source == "automatic" else "Neutral wording"
        lines.append(f"{label}: " + "; ".join(a.alternatives))
    confidence = ""
    if a.confidence is not None and a.detector != "loaded_word":
        confidence = f" · the model alone reads it {a.confidence:.0%} loaded here"
    lines.append(f"Score {a.score:.2f}{confidence} · {VOICE_LABELS.get(a.voice, a.voice)}")
    return "\n".join(line for line in lines if line)


def _mark_open(index: int, a: Annotation, style: CategoryStyle) -> str:
    return (
        f'<mark class="fa-m" tabindex="0" data-ann="{index}" data-cat="{escape(a.category)}" '
        f'data-det="{escape(a.detector)}" data-tip="{escape(tooltip_text(a, style))}" '
        f'style="--c:{style.colour};--t:{style.tint}">'
    )


def _sentence_open(doc: Document, index: int) -> str:
    s = doc.sentences[index]
    kind = s.kind if s.kind.isidentifier() else "prose"
    attrs = f'id="fa-s-{index}" class="fa-s fa-k-{kind}" data-sent="{index}" data-voice="{escape(s.voice)}"'
    if s.bias is not None:
        text_colour = "#fff" if s.bias >= BIASED_THRESHOLD else "#1a1a1a"
        attrs += (
            f' data-bias="{round(100 * s.bias)}" style="--bc:{bias_colour(s.bias)};--bt:{text_colour};'
            f'--ba:{bias_alpha(s.bias)}"'
        )
    return f"<span {attrs}>"


_PARAGRAPH_GAP = re.compile(r"\n(\n+)")


def _gap(match: re.Match[str]) -> str:
    """A blank line between paragraphs becomes a short block (the newlines stay in the text content)."""
    return f'\n<span class="fa-pb">{match.group(1)}</span>'


def article_html(doc: Document, styles: dict[str, CategoryStyle] | None = None) -> str:
    """``<div class="fa-article">`` with the whole text; include ``ARTICLE_CSS`` once on the page."""
    styles = styles if styles is not None else category_styles()
    text = doc.text
    # Elements as (layer, start, end, index); layer orders nesting: sentence > quote > flag.
    elements: list[tuple[int, int, int, int]] = []
    elements += [(0, s.span.start, s.span.end, i) for i, s in enumerate(doc.sentences) if s.span.end > s.span.start]
    elements += [(1, q.start, q.end, i) for i, q in enumerate(doc.quotes) if q.end > q.start]
    elements += [(2, a.span.start, a.span.end, i) for i, a in enumerate(doc.annotations) if a.span.end > a.span.start]
    bounds = sorted({0, len(text), *(e[1] for e in elements), *(e[2] for e in elements)})
    starts: dict[int, list[tuple[int, int, int, int]]] = {}
    for element in elements:
        starts.setdefault(element[1], []).append(element)
    active: list[tuple[int, int, int, int]] = []
    stack: list[tuple[int, int, int, int]] = []
    out = ['<div class="fa-article">']

    def open_tag(element: tuple[int, int, int, int]) -> str:
        layer, _, _, index = element
        if layer == 0:
            return _sentence_open(doc, index)
        if layer == 1:
            return '<span class="fa-q">'
        a = doc.annotations[index]
        return _mark_open(index, a, style_for(a.category, styles))

    for lo, hi in itertools.pairwise(bounds):
        active = [e for e in active if e[2] > lo] + starts.get(lo, [])
        wanted = sorted(active, key=lambda e: (e[0], e[1], -e[2], e[3]))
        keep = 0
        while keep < min(len(stack), len(wanted)) and stack[keep] == wanted[keep]:
            keep += 1
        for element in reversed(stack[keep:]):
            out.append("</mark>" if element[0] == 2 else "</span>")
        out.extend(open_tag(e) for e in wanted[keep:])
        stack = wanted
        out.append(_PARAGRAPH_GAP.sub(_gap, escape(text[lo:hi], quote=False)))
    for element in reversed(stack):
        out.append("</mark>" if element[0] == 2 else "</span>")
    out.append("</div>")
    return "".join(out)


def legend_html(doc: Document, styles: dict[str, CategoryStyle] | None = None, show_all: bool = False) -> str:
    """Colour chips for the categories present (with counts), plus keys for quotes and sentence scores."""
    styles = styles if styles is not None else category_styles()
    counts = Counter(a.category for a in doc.annotations)
    present = [style_for(c, styles) for c in counts]
    if show_all:
        present += [s for s in styles.values() if s.id not in counts]
    present.sort(key=lambda s: (-counts.get(s.id, 0), s.order))
    chips = [
        f'<span class="fa-chip" style="--c:{s.colour};--t:{s.tint}" title="{escape(s.description)}">'
        f"{escape(s.name)} <b>{counts.get(s.id, 0)}</b></span>"
        for s in present
    ]
    keys = ['<span class="fa-key"><span class="fa-q">italic, dotted</span> = inside a direct quote</span>']
    if any(a.detector == "loaded_word" for a in doc.annotations):
        keys.append(
            '<span class="fa-key"><span class="fa-model">dashed underline</span> = suggested by the model, '
            "not the curated word list: check it</span>"
        )
    if any(s.bias is not None for s in doc.sentences):
        keys.append(
            '<span class="fa-key"><span class="fa-dot" style="background:#2B2B2B">82</span>'
            "= how biased the classifier reads the sentence (0–100); shaded sentences score 50 or more</span>"
        )
    if not chips:
        chips = ['<span class="fa-key">Nothing flagged with the current settings.</span>']
    return '<div class="fa-legend">' + "".join(chips + keys) + "</div>"


def _snippet(text: str, limit: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _sentence_list(doc: Document, items: list[tuple[float, int]], top: int) -> str:
    worst = sorted(items, key=lambda item: (-item[0], item[1]))[:top]
    out = []
    for bias, i in worst:
        fg = "#fff" if bias >= BIASED_THRESHOLD else "#1a1a1a"
        badge = f'<span class="fa-dot" style="background:{bias_colour(bias)};color:{fg}">{round(100 * bias)}</span>'
        snippet = escape(_snippet(doc.evidence(doc.sentences[i].span)))
        out.append(f'<li>{badge}<a href="#fa-s-{i}">{snippet}</a></li>')
    return "<ol>" + "".join(out) + "</ol>"


def most_loaded_sentences(doc: Document) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """(writer's own words, direct quotes): (score, sentence index) of sentences scoring 50 or more. The
    writer's own words include reported speech (the writer's paraphrase); quotes are someone else's words."""
    scored = [(s.bias, i) for i, s in enumerate(doc.sentences) if s.bias is not None and s.bias >= BIASED_THRESHOLD]
    own = [(b, i) for b, i in scored if doc.sentences[i].voice != "quote"]
    quoted = [(b, i) for b, i in scored if doc.sentences[i].voice == "quote"]
    return own, quoted


def side_panel_html(doc: Document, top: int = 5) -> str:
    """'Where to look first': the most loaded sentences in the writer's own words, then those in quotes,
    and whose words are flagged."""
    parts = ['<div class="fa-side">']
    own, quoted = most_loaded_sentences(doc)
    parts.append("<h4>Most loaded sentences in the writer's own words</h4>")
    if not any(s.bias is not None for s in doc.sentences):
        parts.append("<p>No sentence scores (the classifier is not available).</p>")
    elif not own:
        parts.append("<p>No sentence in the writer's own words scores 50 or more.</p>")
    else:
        parts.append(_sentence_list(doc, own, top))
    if quoted:
        parts.append("<h4>In direct quotes (someone else's words)</h4>")
        parts.append(_sentence_list(doc, quoted, top))
    counts = Counter(a.voice for a in doc.annotations)
    if doc.annotations:
        rows = "".join(
            f"<tr><td>{escape(VOICE_LABELS.get(v, v).capitalize())}</td><td><b>{counts.get(v, 0)}</b></td></tr>"
            for v in ("author", "reported", "quote")
        )
        parts.append(f"<h4>Whose words are flagged</h4><table>{rows}</table>")
    parts.append("</div>")
    return "".join(parts)
