"""One colour and one plain-language label per category and detector, shared by highlights, charts and exports.

Colours come from the category data files (Paul Tol's colour-blind-safe palettes); nothing here hard-codes
a category. An unknown category (e.g. from a newer lexicon) gets a neutral grey instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from annotator.lexicon.loader import CATEGORIES_FILE, load_categories

DEVICE_CATEGORIES_FILE = Path(__file__).resolve().parent.parent / "data" / "device_categories.csv"
FALLBACK_COLOUR = "#BBBBBB"
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")

# Plain-language names for the detector ids (the ids stay stable in JSON/CSV).
DETECTOR_LABELS: dict[str, str] = {
    "lexicon": "Loaded terms",
    "scare_quote": "Scare quotes",
    "anonymous_source": "Anonymous sources",
    "hedge": "Hedges and distancing words",
    "loaded_word": "Suggested by the model",
}
DETECTOR_HELP: dict[str, str] = {
    "lexicon": "Words and phrases that take a side (from the project's curated word list).",
    "scare_quote": "Quotation marks that cast doubt on a word instead of quoting someone.",
    "anonymous_source": "Unnamed or vague sources readers cannot check.",
    "hedge": "Words that soften a claim or hide whose claim it is (reportedly, allegedly, so-called).",
    "loaded_word": "Words a trained model reads as loaded in context, beyond the curated list: suggestions to "
    "check (dashed underline), each with its confidence and the similar words annotators marked.",
}
VOICE_LABELS: dict[str, str] = {
    "author": "writer's own words",
    "reported": "reported speech",
    "quote": "direct quote",
}
KIND_LABELS: dict[str, str] = {
    "prose": "text",
    "heading": "heading",
    "caption": "caption",
    "credit": "credit",
    "dateline": "dateline",
}


@dataclass(frozen=True)
class CategoryStyle:
    id: str
    label: str
    description: str
    colour: str  # "#RRGGBB"
    order: int

    @property
    def name(self) -> str:
        """The label with a capital first letter, for headings, legends and tables."""
        return self.label[:1].upper() + self.label[1:]

    @property
    def tint(self) -> str:
        """The colour blended with white: a light background that keeps black text readable."""
        return blend(self.colour, 0.38)

    @property
    def text_colour(self) -> str:
        """Black or white, whichever reads better on the solid colour."""
        return "#000000" if luminance(self.colour) > 0.33 else "#FFFFFF"


def luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a ``#RRGGBB`` colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def blend(colour: str, amount: float) -> str:
    """``amount`` of ``colour`` over white, as ``#RRGGBB``."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * amount) for c in (r, g, b)]
    return "#{:02X}{:02X}{:02X}".format(*mix)


def safe_colour(value: str) -> str:
    """The value if it is a ``#RRGGBB`` colour, else the fallback grey (data files are not trusted in CSS)."""
    return value.upper() if _HEX.match(value or "") else FALLBACK_COLOUR


@lru_cache(maxsize=4)
def category_styles(
    lexicon_categories: str | Path = CATEGORIES_FILE, device_categories: str | Path = DEVICE_CATEGORIES_FILE
) -> dict[str, CategoryStyle]:
    """All categories (lexicon ones first, then framing devices) in display order."""
    styles: dict[str, CategoryStyle] = {}
    for path in (lexicon_categories, device_categories):
        for cat in load_categories(path).values():
            styles[cat.id] = CategoryStyle(cat.id, cat.label, cat.description, safe_colour(cat.colour), len(styles))
    return styles


def style_for(category: str, styles: dict[str, CategoryStyle] | None = None) -> CategoryStyle:
    styles = styles if styles is not None else category_styles()
    found = styles.get(category)
    if found is not None:
        return found
    return CategoryStyle(category, category.replace("_", " "), "", FALLBACK_COLOUR, len(styles))


def category_label(category: str) -> str:
    return style_for(category).name


def detector_label(detector: str) -> str:
    return DETECTOR_LABELS.get(detector, detector.replace("_", " "))
