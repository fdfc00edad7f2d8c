"""Find lexicon terms in text: case-insensitive, inflection- and variant-tolerant, whole words only.

Terms and text are both reduced to token keys (annotator.textnorm); a dict from first key to candidate
phrases finds matches, the longest match at a position wins and matches never overlap.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from annotator.lexicon.loader import (
    CATEGORIES_FILE,
    DEFAULT_LEXICON,
    LITERAL_WINDOW,
    NEUTRAL_PHRASES,
    Category,
    LexiconEntry,
    load_categories,
    load_entries,
    load_phrases,
)
from annotator.textnorm import Memo, Token, WordNumbers, WordTable, lemma_forms, phrase_keys, phrase_words, tokenize


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
        neutral_phrases: Iterable[str] = (),
    ) -> None:
        self.categories = categories
        self.version = version
        self.stem = stem
        self.entries: list[LexiconEntry] = []
        # Two indexes, by stemmed keys and by exact (folded) keys: first key -> [(keys, entry or None)].
        # None marks a neutral phrase ("riot police"): it wins as the longest match and is not reported.
        self._index: dict[bool, dict[str, list[tuple[tuple[str, ...], LexiconEntry | None]]]] = {True: {}, False: {}}
        by_keys: dict[tuple[bool, tuple[str, ...]], LexiconEntry | None] = {}
        # stemmed keys -> the folded words of every form with those keys: a stemmed match must be an
        # inflection of one of them ("outraged" shares the stem of "outrageous" but is another word)
        self._forms: dict[tuple[str, ...], list[tuple[frozenset[str], ...]]] = {}
        for entry in entries:
            exact = not stem or entry.match == "exact"
            for form in entry.forms():
                keys = phrase_keys(form, not exact)
                by_keys[(not exact, keys)] = entry  # a later file overrides an earlier one
                if not exact:
                    self._forms.setdefault(keys, []).append(tuple(lemma_forms(w) for w in phrase_words(form)))
        for phrase in neutral_phrases:
            keys = phrase_keys(phrase, stem)
            by_keys.setdefault((stem, keys), None)
            if stem:
                self._forms.setdefault(keys, []).append(tuple(lemma_forms(w) for w in phrase_words(phrase)))
        for (stemmed, keys), entry in by_keys.items():
            if keys:
                self._index[stemmed].setdefault(keys[0], []).append((keys, entry))
        for index in self._index.values():
            for candidates in index.values():
                candidates.sort(key=lambda item: len(item[0]), reverse=True)
        # The same candidates split for matching: phrases by their first two keys (longest first) and single
        # words by their key, so a common first word ("the", "in") costs one look-up, not a try per phrase.
        self._pairs: dict[bool, dict[tuple[str, str], list[tuple[tuple[str, ...], LexiconEntry | None]]]] = {}
        self._singles: dict[bool, dict[str, list[tuple[tuple[str, ...], LexiconEntry | None]]]] = {}
        for stemmed, index in self._index.items():
            pairs: dict[tuple[str, str], list[tuple[tuple[str, ...], LexiconEntry | None]]] = {}
            singles: dict[str, list[tuple[tuple[str, ...], LexiconEntry | None]]] = {}
            for first, candidates in index.items():
                for phrase, entry in candidates:
                    if len(phrase) > 1:
                        pairs.setdefault(phrase[:2], []).append((phrase, entry))
                    else:
                        singles.setdefault(first, []).append((phrase, entry))
            self._pairs[stemmed], self._singles[stemmed] = pairs, singles
        # key -> what it can be in a term, as bits (_SINGLE, _FIRST, _SECOND), remembered for the keys seen
        self._roles: dict[bool, Memo] = {
            stemmed: Memo(
                partial(
                    _role,
                    frozenset(self._singles[stemmed]),
                    frozenset(p[0] for p in self._pairs[stemmed]),
                    frozenset(p[1] for p in self._pairs[stemmed]),
                )
            )
            for stemmed in (True, False)
        }
        # both roles of each word by vocabulary number (the stemmed index's in the low bits, the exact one's
        # shifted by _EXACT), for tokens that carry numbers
        self._role_table = WordTable(self._word_roles, np.uint8)
        seen: set[int] = set()
        # entry -> stemmed keys of the words that mark a literal use (see LexiconEntry.literal_context)
        self._literal: dict[int, frozenset[str]] = {}
        for entry in by_keys.values():
            if entry is not None and id(entry) not in seen:
                seen.add(id(entry))
                self.entries.append(entry)
                if entry.literal_context:
                    self._literal[id(entry)] = frozenset(k for w in entry.literal_context for k in phrase_keys(w))

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
        neutral = load_phrases(NEUTRAL_PHRASES) if base is not None and NEUTRAL_PHRASES.is_file() else []
        version = f"{len(entries)}-{digest.hexdigest()[:10]}"
        return cls(entries, categories, version=version, neutral_phrases=neutral)

    def __len__(self) -> int:
        return len(self.entries)

    def match_tokens(self, tokens: Sequence[Token]) -> list[LexiconMatch]:
        """Longest match at each position, left to right, never overlapping."""
        return self.match_runs(tokens, [(0, len(tokens))])

    def match_runs(
        self,
        tokens: Sequence[Token],
        runs: Sequence[tuple[int, int]],
        keys: Sequence[str] | None = None,
        folded: Sequence[str] | None = None,
        numbers: WordNumbers | None = None,
    ) -> list[LexiconMatch]:
        """``match_tokens`` on each run ``tokens[lo:hi]`` (e.g. each sentence), the matches one after another.

        Runs are in order and do not overlap. ``keys`` and ``folded`` are the tokens' ``key`` and ``folded``
        forms when the caller has them already, ``numbers`` their word numbers in ``VOCABULARY`` when they
        carry them (``Context.word_numbers``). A term never spans two runs, and its literal-context words
        are looked for inside its own run only, as when each run is matched on its own; but the tokens that
        can start a term are found in one pass over the whole document, not one list per sentence.
        """
        matches: list[LexiconMatch] = []
        stems = [t.key for t in tokens] if keys is None else keys
        exact = [t.folded for t in tokens] if folded is None else folded
        # Most words start no term: find the few places where one can start in one pass, then try the
        # phrases only there.
        roles = self._role_table.take(numbers) if numbers is not None and len(tokens) >= _ARRAY_FROM else None
        if roles is not None:
            starts = _union(
                self._term_starts(True, stems, roles & _ROLES), self._term_starts(False, exact, roles >> _EXACT)
            )
        else:
            starts = _union(self._term_starts(True, stems), self._term_starts(False, exact))
        if not starts:
            return matches
        stem_pairs, exact_pairs = self._pairs[True], self._pairs[False]
        stem_singles, exact_singles = self._singles[True], self._singles[False]
        r = 0  # the run of the current start
        after = 0  # the first token not inside a match already made
        for i in starts:
            if i < after:
                continue
            while r < len(runs) and runs[r][1] <= i:
                r += 1
            if r == len(runs):
                break
            lo, n = runs[r]
            if i < lo:
                continue  # between runs (a token of no sentence)
            best_size, best_entry = 0, None
            for pairs, singles, keys_of in ((stem_pairs, stem_singles, stems), (exact_pairs, exact_singles, exact)):
                first = keys_of[i]
                longer = pairs.get((first, keys_of[i + 1])) if i + 1 < n else None
                for phrase, entry in (*(longer or ()), *singles.get(first, ())):
                    size = len(phrase)
                    if size <= best_size:
                        break
                    if (size <= 2 or (i + size <= n and tuple(keys_of[i + 2 : i + size]) == phrase[2:])) and (
                        keys_of is exact or self._inflected(phrase, exact[i : i + size])
                    ):
                        best_size, best_entry = size, entry
                        break
            if best_size:
                if best_entry is not None and not self._literal_use(best_entry, stems, i, i + best_size, lo, n):
                    matches.append(LexiconMatch(tokens[i].start, tokens[i + best_size - 1].end, best_entry))
                after = i + best_size
        return matches

    def _term_starts(self, stemmed: bool, keys: Sequence[str], roles: np.ndarray | None = None) -> list[int]:
        """Indexes where a term of the stemmed (or exact) index can start: a single-word term's key, or the
        first two keys of a longer term ("the" alone starts nothing; "the big" may start "the big lie").
        ``roles``: the keys' roles in that index (``_role``) when the caller has them."""
        pairs = self._pairs[stemmed]
        if not keys or not (pairs or self._singles[stemmed]):
            return []
        # a pair can start where a first key stands before a second key; the dict says which pairs are
        if roles is None and len(keys) < _ARRAY_FROM:  # a quotation's few words: numpy calls cost more
            listed = list(map(self._roles[stemmed].__getitem__, keys))
            starts = [i for i, r in enumerate(listed) if r & _SINGLE]
            maybe = [i for i in range(len(listed) - 1) if listed[i] & _FIRST and listed[i + 1] & _SECOND]
        else:
            if roles is None:
                roles = np.fromiter(map(self._roles[stemmed].__getitem__, keys), dtype=np.uint8, count=len(keys))
            starts = np.flatnonzero(roles & _SINGLE).tolist()
            maybe = np.flatnonzero((roles[:-1] & _FIRST) & ((roles[1:] & _SECOND) >> 1)).tolist()
        if pairs and maybe:
            starts = _union(starts, [i for i in maybe if (keys[i], keys[i + 1]) in pairs])
        return starts

    def _word_roles(self, words: list[str], keys: list[str], folded: list[str]) -> list[int]:
        """Each word's role in the stemmed index (by its key) and, shifted by _EXACT, in the exact one."""
        stemmed, exact = self._roles[True], self._roles[False]
        return [stemmed[k] | exact[w] << _EXACT for k, w in zip(keys, folded, strict=True)]

    def _inflected(self, keys: tuple[str, ...], words: Sequence[str]) -> bool:
        """True when each matched word is an inflection of the corresponding word of a form with ``keys``."""
        for form in self._forms.get(keys, ()):
            if all(not lemma_forms(w).isdisjoint(lemmas) for w, lemmas in zip(words, form, strict=True)):
                return True
        return False

    def _literal_use(self, entry: LexiconEntry, stems: Sequence[str], start: int, end: int, lo: int, hi: int) -> bool:
        """True when one of the entry's literal-context words stands within LITERAL_WINDOW words (inside the
        run ``[lo, hi)`` of the match)."""
        words = self._literal.get(id(entry))
        if not words:
            return False
        near = [*stems[max(lo, start - LITERAL_WINDOW) : start], *stems[end : min(hi, end + LITERAL_WINDOW)]]
        return not words.isdisjoint(near)

    def match(self, text: str) -> list[LexiconMatch]:
        return self.match_tokens(tokenize(text))


_SINGLE, _FIRST, _SECOND = 1, 2, 4  # a one-word term's key; the first, the second key of a longer term
_ROLES, _EXACT = 7, 3  # all role bits; the shift of the exact index's roles in _word_roles
_ARRAY_FROM = 32  # keys: from this many on, _term_starts works on arrays


def _role(singles: frozenset[str], firsts: frozenset[str], seconds: frozenset[str], key: str) -> int:
    """What ``key`` can be in a term of an index, as bits: _SINGLE, _FIRST, _SECOND."""
    return (key in singles) * _SINGLE | (key in firsts) * _FIRST | (key in seconds) * _SECOND


def _union(a: list[int], b: list[int]) -> list[int]:
    """The sorted union of two sorted lists of indexes (often one is empty)."""
    return sorted({*a, *b}) if a and b else a or b


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The bundled lexicon, loaded once per process."""
    return Lexicon.load()
