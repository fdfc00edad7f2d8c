"""Split a text into sentences and non-prose units (headings, captions, credits, datelines) with offsets.

Sentences come from NLTK's Punkt algorithm with parameters trained by this project and shipped as JSON
(``annotator/data/punkt_en.json``), so nothing is downloaded at run time. Lines are grouped into blocks
first: a bulleted photo caption or a subheading never merges into the prose around it.

Rebuild the Punkt parameters after editing ``annotator/data/abbreviations.txt`` with
``python -m annotator.segment --build``.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.document import Sentence, Span

if TYPE_CHECKING:  # nltk is imported when sentences are first split (its package import takes seconds)
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

DATA_DIR = Path(__file__).resolve().parent / "data"
PUNKT_FILE = DATA_DIR / "punkt_en.json"
ABBREVIATIONS_FILE = DATA_DIR / "abbreviations.txt"
STARTERS_FILE = DATA_DIR / "sentence_starters.txt"
TRAINING_DIRS = (Path(__file__).resolve().parent.parent / "samples", DATA_DIR)

_LINE = re.compile(r"[^\n]*\n?")
_BULLET = re.compile(r"^[ \t]*(?:[•·▪●◦‣∙]|[-*–](?=\s))[ \t]*")
_BULLET_CHARS = "•·▪●◦‣∙-*–"
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+")
_CREDIT_START = re.compile(
    r"^(?:©|\(c\)|copyright\b|photo(?:graph)?s?\s*(?:by|:)|image\s*(?:by|:)|credit\s*:|picture\s*:|"
    r"source\s*:|video\s*:|illustration\s*:)",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?P<d>[A-Z][A-Z'’.\-]{2,}(?:[ \-][A-Z][A-Z'’.\-]+){0,3}"
    r"(?:,\s+[A-Z][A-Za-z.]+(?:\s+\d{1,2})?)?(?:\s+\([A-Za-z .]{1,30}\))?)\s+[—–-]{1,2}\s+"
)
_TERMINAL = ".!?…:;,\"”»’)]'"
_CLOSERS = '”’»"'
_HARD_WRAP_MIN = 60


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    kind: str
    paragraph: int


def _load_params(path: Path = PUNKT_FILE) -> PunktParameters:
    from nltk.tokenize.punkt import PunktParameters

    data = json.loads(path.read_text(encoding="utf-8"))
    params = PunktParameters()
    params.abbrev_types = set(data["abbrev_types"])
    params.collocations = {tuple(pair) for pair in data["collocations"]}
    params.sent_starters = set(data["sent_starters"])
    params.ortho_context = defaultdict(int, data["ortho_context"])
    return params


@lru_cache(maxsize=1)
def _tokenizer() -> PunktSentenceTokenizer:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    return PunktSentenceTokenizer(_load_params())


def read_word_list(path: Path = ABBREVIATIONS_FILE) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}


def build_params(texts: Iterable[str], abbreviations: set[str], starters: set[str]) -> dict:
    """Train Punkt on the given texts, add the curated abbreviations and sentence starters; JSON-ready dict.

    Orthographic statistics are kept only for the curated starters (see sentence_starters.txt).
    """
    from nltk.tokenize.punkt import PunktTrainer

    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    for text in texts:
        trainer.train(text, finalize=False)
    trainer.finalize_training()
    params = trainer.get_params()
    abbrevs = set(params.abbrev_types) | abbreviations
    return {
        "abbrev_types": sorted(abbrevs),
        "collocations": sorted([list(pair) for pair in params.collocations]),
        "sent_starters": sorted(starters),
        "ortho_context": {w: f for w, f in sorted(params.ortho_context.items()) if w in starters},
    }


# ---- blocks ------------------------------------------------------------------------------------------


def _is_heading(line: str) -> bool:
    # the cheap tests first: most lines are prose that ends with a full stop
    if not line or len(line) > 100 or line[-1] in _TERMINAL or line[0] in "“\"«‘'(":
        return False
    words = line.split()
    if not words or len(words) > 12:
        return False
    return line[0].isupper() or line[0].isdigit()


def _is_credit(content: str) -> bool:
    if _CREDIT_START.match(content):
        return True
    words = content.split()
    return (
        0 < len(words) <= 3 and content[-1] not in ".!?…" and all(w[0].isupper() or not w[0].isalpha() for w in words)
    )


def _blocks(text: str) -> list[Block]:
    """Group lines into blocks: paragraphs of prose, and one block per caption/credit/heading line."""
    blocks: list[Block] = []
    paragraph = 0
    in_paragraph = False
    prose: list[int] | None = None  # [start, end, last-line-length] of the open prose block

    def close_prose() -> None:
        nonlocal prose
        if prose is not None:
            blocks.append(Block(prose[0], prose[1], "prose", paragraph))
            prose = None

    for match in _LINE.finditer(text):
        raw = match.group()
        if not raw:
            break
        line = raw.strip()
        if not line:
            if prose is not None:
                close_prose()
            if in_paragraph:
                paragraph += 1
                in_paragraph = False
            continue
        in_paragraph = True
        lead = len(raw) - len(raw.lstrip())
        start = match.start() + lead
        end = start + len(line)
        # a bullet or a "#" is the line's first character after spaces: the patterns only where one is
        bullet = _BULLET.match(raw) if line[0] in _BULLET_CHARS else None
        heading_mark = _MD_HEADING.match(raw) if line[0] == "#" else None
        if bullet:
            close_prose()
            content_start = match.start() + bullet.end()
            content = text[content_start:end]
            kind = "credit" if _is_credit(content) else "caption"
            if content:
                blocks.append(Block(content_start, end, kind, paragraph))
            continue
        if heading_mark:
            close_prose()
            content_start = match.start() + heading_mark.end()
            if content_start < end:  # "# " with no heading text is nothing to annotate
                blocks.append(Block(content_start, end, "heading", paragraph))
            continue
        if _CREDIT_START.match(line):
            close_prose()
            blocks.append(Block(start, end, "credit", paragraph))
            continue
        if prose is not None:
            previous = text[prose[0] : prose[1]]
            continues = previous[-1] not in '.!?…"”»' and (line[0].islower() or prose[2] >= _HARD_WRAP_MIN)
            if continues:
                prose[1] = end
                prose[2] = len(line)
                continue
            close_prose()
        if _is_heading(line):
            blocks.append(Block(start, end, "heading", paragraph))
            continue
        dateline = _DATELINE.match(line)
        if dateline:
            d_end = start + dateline.end("d")
            blocks.append(Block(start, d_end, "dateline", paragraph))
            start = start + dateline.end()
        prose = [start, end, len(line)]
    close_prose()
    return blocks


# ---- sentences ---------------------------------------------------------------------------------------


def _punkt_spans(chunk: str) -> list[tuple[int, int]]:
    """Punkt's sentence spans of ``chunk``.

    Punkt breaks only at a ".", "?" or "!" followed by another character, so a chunk without one before its
    last character (most one-sentence paragraphs) is one sentence: what Punkt returns for it, without the
    cost of running it.
    """
    if _BREAK_CANDIDATE.search(chunk, 0, len(chunk) - 1) is None:
        end = len(chunk.rstrip())
        return [(0, end)] if end else []
    return list(_tokenizer().span_tokenize(chunk))


_BREAK_CANDIDATE = re.compile(r"[.?!]")  # PunktLanguageVars.sent_end_chars


def _prose_sentences(text: str, block: Block) -> list[tuple[int, int]]:
    spans = [(block.start + s, block.start + e) for s, e in _punkt_spans(text[block.start : block.end])]
    merged: list[list[int]] = []
    for start, end in spans:
        # A closing quote that Punkt left at the start of the next sentence belongs to the previous one.
        lead = start
        while lead < end and text[lead] in _CLOSERS and (lead + 1 == end or text[lead + 1].isspace()):
            lead += 1
        if lead > start and merged:
            merged[-1][1] = lead
            while lead < end and text[lead].isspace():
                lead += 1
            start = lead
        if start < end:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def segment(text: str) -> list[Sentence]:
    """Sentences and non-prose units of ``text``, in order, with offsets and kinds."""
    units: list[Sentence] = []
    for block in _blocks(text):
        if block.kind != "prose":
            units.append(Sentence(Span(block.start, block.end), kind=block.kind, paragraph=block.paragraph))
            continue
        for start, end in _prose_sentences(text, block):
            units.append(Sentence(Span(start, end), kind="prose", paragraph=block.paragraph))
    return units


def _training_texts() -> list[str]:
    texts = []
    for folder in TRAINING_DIRS:
        for path in sorted(folder.glob("*.txt")):
            if path.name not in (ABBREVIATIONS_FILE.name, STARTERS_FILE.name):
                texts.append(path.read_text(encoding="utf-8"))
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild the shipped Punkt parameters.")
    parser.add_argument("--build", action="store_true", help="train and write annotator/data/punkt_en.json")
    args = parser.parse_args(argv)
    if not args.build:
        parser.print_help()
        return 0
    data = build_params(_training_texts(), read_word_list(ABBREVIATIONS_FILE), read_word_list(STARTERS_FILE))
    PUNKT_FILE.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {PUNKT_FILE} ({len(data['abbrev_types'])} abbreviations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
