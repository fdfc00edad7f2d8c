"""Find lexicon terms in text: case-insensitive, inflection- and variant-tolerant, whole words only.

Terms and text are both reduced to token keys (annotator.textnorm); a dict from first key to candidate
phrases finds matches, the longest match at a position wins and matches never overlap.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from annotator.lexicon.loader import (
    CATEGORIES_FILE,
    DEFAULT_LEXICON,
    Category,
    LexiconEntry,
    load_categories,
    load_entries,
)
from annotator.textnorm import Token, phrase_keys, tokenize


@dataclass(frozen=True)
class LexiconMatch:
    start: int
    end: int
    entry: LexiconEntry


class Lexicon:
    """A set of validated entries plus the index used to match them."""

    def __init__(
        self,
        entries: Iterable[LexiconEntry],
        categories: dict[str, Category],
        version: str = "custom",
        stem: bool = True,
    ) -> None:
        self.categories = categories
        self.version = version
        self.stem = stem
        self.entries: list[LexiconEntry] = []
        self._index: dict[str, list[tuple[tuple[str, ...], LexiconEntry]]] = {}
        by_keys: dict[tuple[str, ...], LexiconEntry] = {}
        for entry in entries:
            for form in entry.forms():
                by_keys[phrase_keys(form, stem)] = entry  # a later file overrides an earlier one
        for keys, entry in by_keys.items():
            self._index.setdefault(keys[0], []).append((keys, entry))
        for candidates in self._index.values():
            candidates.sort(key=lambda item: len(item[0]), reverse=True)
        seen: set[int] = set()
        for entry in by_keys.values():
            if id(entry) not in seen:
                seen.add(id(entry))
                self.entries.append(entry)

    @classmethod
    def load(
        cls,
        extra: Sequence[str | Path] = (),
        base: str | Path | None = DEFAULT_LEXICON,
        categories_file: str | Path = CATEGORIES_FILE,
    ) -> Lexicon:
        """The bundled lexicon (unless ``base`` is None) plus extra files; extras win on conflicts."""
        categories = load_categories(categories_file)
        entries: list[LexiconEntry] = []
        digest = hashlib.sha256()
        for path in ([base] if base is not None else []) + list(extra):
            entries.extend(load_entries(path, categories))
            digest.update(Path(path).read_bytes())
        version = f"{len(entries)}-{digest.hexdigest()[:10]}"
        return cls(entries, categories, version=version)

    def __len__(self) -> int:
        return len(self.entries)

    def match_tokens(self, tokens: Sequence[Token]) -> list[LexiconMatch]:
        matches: list[LexiconMatch] = []
        i, n = 0, len(tokens)
        index = self._index
        keys_of = [t.key for t in tokens] if self.stem else [t.folded for t in tokens]
        while i < n:
            candidates = index.get(keys_of[i])
            matched = 0
            if candidates:
                for keys, entry in candidates:
                    size = len(keys)
                    if i + size <= n and all(keys_of[i + k] == keys[k] for k in range(1, size)):
                        matches.append(LexiconMatch(tokens[i].start, tokens[i + size - 1].end, entry))
                        matched = size
                        break
            i += matched or 1
        return matches

    def match(self, text: str) -> list[LexiconMatch]:
        return self.match_tokens(tokenize(text))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The bundled lexicon, loaded once per process."""
    return Lexicon.load()
