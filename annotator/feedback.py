"""Reviewer feedback: agree/disagree decisions on highlights and sentence scores, kept in SQLite.

The database lives in the user's data directory (or ``$ANNOTATOR_FEEDBACK_DB``), survives restarts, and
takes concurrent writers (WAL journal, busy timeout, one short transaction per decision). Decisions feed
``annotator train --feedback DB`` and a per-user ignore list of rejected lexicon terms.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from annotator.csvsafe import write_csv
from annotator.limits import surrogate_message

ENV_VAR = "ANNOTATOR_FEEDBACK_DB"
DECISIONS = ("agree", "disagree")
TARGETS = ("annotation", "sentence")
_DECISIONS_TABLE = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    target TEXT NOT NULL CHECK (target IN ('annotation', 'sentence')),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    detector TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    term TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    sentence TEXT NOT NULL DEFAULT '',
    score REAL,
    decision TEXT NOT NULL CHECK (decision IN ('agree', 'disagree')),
    note TEXT NOT NULL DEFAULT '',
    model_id TEXT NOT NULL DEFAULT '',
    lexicon_version TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL DEFAULT '',
    UNIQUE (text_hash, target, start, end, detector, reviewer)
)
"""
_IGNORED_TABLE = """
CREATE TABLE IF NOT EXISTS ignored_terms (
    reviewer TEXT NOT NULL DEFAULT '',
    term TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (reviewer, term)
)
"""
_SCHEMA = _DECISIONS_TABLE + ";\n" + _IGNORED_TABLE + ";\n"
SCHEMA_VERSION = 2  # 1: no reviewer column, one ignore list for everybody; 2: decisions and ignore lists per reviewer
MAX_REVIEWER_CHARS = 80


def reviewer_key(name: str | None) -> str:
    """A reviewer's name as stored: spaces collapsed, at most 80 characters; "" for no name."""
    return " ".join((name or "").split())[:MAX_REVIEWER_CHARS]


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a database written before reviewers existed up to the current schema, keeping every row.

    Version-1 decisions and ignored terms belong to the unnamed reviewer (""). SQLite cannot change a
    UNIQUE constraint or primary key in place, so each old table is copied into a new one, in one
    transaction that also re-checks the version (two processes opening an old file at once migrate it once).
    """
    if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(decisions)")}
            if columns and "reviewer" not in columns:
                conn.execute("ALTER TABLE decisions RENAME TO decisions_v1")
                old = [c for c in Decision.__dataclass_fields__ if c in columns]
                conn.execute(_DECISIONS_TABLE)
                conn.execute(
                    f"INSERT INTO decisions ({', '.join(old)}) SELECT {', '.join(old)} FROM decisions_v1 ORDER BY id"
                )
                conn.execute("DROP TABLE decisions_v1")
            columns = {row[1] for row in conn.execute("PRAGMA table_info(ignored_terms)")}
            if columns and "reviewer" not in columns:
                conn.execute("ALTER TABLE ignored_terms RENAME TO ignored_terms_v1")
                conn.execute(_IGNORED_TABLE)
                conn.execute(
                    "INSERT INTO ignored_terms (reviewer, term, created_at) SELECT '', term, created_at "
                    "FROM ignored_terms_v1"
                )
                conn.execute("DROP TABLE ignored_terms_v1")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


class FeedbackError(RuntimeError):
    """The feedback database cannot be opened or written; the message names the path."""


class FeedbackInputError(FeedbackError, ValueError):
    """A decision that cannot be stored as given (a note that is not valid Unicode ...); nothing was written."""


@dataclass(frozen=True)
class Decision:
    text_hash: str
    target: str
    start: int
    end: int
    decision: str
    detector: str = ""
    category: str = ""
    term: str = ""
    evidence: str = ""
    sentence: str = ""
    score: float | None = None
    note: str = ""
    reviewer: str = ""  # who made the call ("" when no name was given)
    model_id: str = ""
    lexicon_version: str = ""
    created_at: str = ""


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_path() -> Path:
    """``$ANNOTATOR_FEEDBACK_DB``, else the platform's per-user data directory."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "framing-annotator" / "feedback.sqlite3"


class FeedbackStore:
    """Decisions in one SQLite file; every method opens a short-lived connection (safe across threads)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as conn:
                self._check_integrity(conn)
                _migrate(conn)  # writes only when the file is older than SCHEMA_VERSION (or new)
                conn.executescript(_SCHEMA)
        except FeedbackError:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise FeedbackError(self._explain(exc)) from None

    def _check_integrity(self, conn: sqlite3.Connection) -> None:
        """Refuse a damaged file at open: a file with corrupt pages opens fine and only fails on each later call,
        while the app would believe feedback is on. ``quick_check`` reads every page once (fast)."""
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)").fetchall()]
        if problems and problems != ["ok"]:
            raise FeedbackError(
                f"feedback database {self.path} is corrupt: damaged pages ({' '.join(problems[0].split())[:120]}); "
                "move it away to start afresh, or restore a backup"
            )

    def _explain(self, exc: Exception) -> str:
        message = str(exc)
        if isinstance(exc, sqlite3.DatabaseError) and ("not a database" in message or "malformed" in message):
            return (
                f"feedback database {self.path} is corrupt or not a SQLite file ({message}); "
                "move it away to start afresh"
            )
        if isinstance(exc, sqlite3.OperationalError) and "readonly" in message:
            return f"feedback database {self.path} is read-only; set {ENV_VAR} to a writable path"
        return f"cannot use feedback database {self.path}: {message}; set {ENV_VAR} to a writable path"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise FeedbackError(self._explain(exc)) from None
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.row_factory = sqlite3.Row
            yield conn
        except sqlite3.Error as exc:
            raise FeedbackError(self._explain(exc)) from None
        finally:
            conn.close()

    def record(self, decision: Decision) -> None:
        """Store a decision; a later decision on the same span replaces the earlier one."""
        if decision.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, not {decision.decision!r}")
        if decision.target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, not {decision.target!r}")
        row = asdict(decision)
        for key, value in row.items():
            problem = surrogate_message(value) if isinstance(value, str) else None
            if problem:
                raise FeedbackInputError(f"{key}: {problem}")
        row["reviewer"] = reviewer_key(row["reviewer"])
        row["created_at"] = row["created_at"] or datetime.now(UTC).isoformat(timespec="seconds")
        columns = ", ".join(row)
        placeholders = ", ".join(f":{k}" for k in row)
        keys = ("text_hash", "target", "start", "end", "detector", "reviewer")
        updates = ", ".join(f"{k} = excluded.{k}" for k in row if k not in keys)
        with self._connect() as conn:
            conn.execute(
                f"INSERT INTO decisions ({columns}) VALUES ({placeholders}) "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
                row,
            )

    def decisions(self, text_hash: str | None = None, reviewer: str | None = None) -> list[Decision]:
        """Every decision, or those on one text and/or by one reviewer ("" is the unnamed reviewer)."""
        where, params = [], []
        if text_hash:
            where.append("text_hash = ?")
            params.append(text_hash)
        if reviewer is not None:
            where.append("reviewer = ?")
            params.append(reviewer_key(reviewer))
        query = "SELECT * FROM decisions" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        with self._connect() as conn:
            rows = conn.execute(query, params).fetchall()
        out = []
        for row in rows:
            values = dict(row)  # sqlite3.Row has keys(), so dict() maps column names to values
            values.pop("id", None)
            out.append(Decision(**values))
        return out

    def forget(self, text_hash: str, target: str, start: int, end: int, detector: str = "", reviewer: str = "") -> None:
        with self._connect() as conn:
            conn.execute(
                "DELETE FROM decisions WHERE text_hash = ? AND target = ? AND start = ? AND end = ? AND detector = ? "
                "AND reviewer = ?",
                (text_hash, target, start, end, detector, reviewer_key(reviewer)),
            )

    # ---- ignore lists, one per reviewer ------------------------------------------------------------------

    def ignored_terms(self, reviewer: str = "") -> set[str]:
        """The terms on one reviewer's ignore list (never anyone else's)."""
        with self._connect() as conn:
            rows = conn.execute("SELECT term FROM ignored_terms WHERE reviewer = ?", (reviewer_key(reviewer),))
            return {row["term"] for row in rows}

    def ignore(self, term: str, reviewer: str = "") -> None:
        with self._connect() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO ignored_terms (reviewer, term, created_at) VALUES (?, ?, ?)",
                (reviewer_key(reviewer), term.strip().lower(), datetime.now(UTC).isoformat(timespec="seconds")),
            )

    def unignore(self, term: str, reviewer: str = "") -> None:
        with self._connect() as conn:
            conn.execute(
                "DELETE FROM ignored_terms WHERE reviewer = ? AND term = ?",
                (reviewer_key(reviewer), term.strip().lower()),
            )

    def rejected_terms(self, reviewer: str = "") -> set[str]:
        """Lexicon terms this reviewer marked "disagree" on some highlight."""
        return {
            d.term.strip().lower()
            for d in self.decisions(reviewer=reviewer)
            if d.target == "annotation" and d.detector == "lexicon" and d.decision == "disagree" and d.term
        }

    def ignore_rejected_terms(self, reviewer: str = "") -> list[str]:
        """Add every lexicon term this reviewer disagreed with to their ignore list; returns the new ones."""
        new = sorted(self.rejected_terms(reviewer) - self.ignored_terms(reviewer))
        for term in new:
            self.ignore(term, reviewer)
        return new

    # ---- export ----------------------------------------------------------------------------------------

    def export_jsonl(self) -> bytes:
        return "".join(json.dumps(asdict(d), ensure_ascii=False) + "\n" for d in self.decisions()).encode("utf-8")

    def export_csv(self) -> bytes:
        """Every decision as CSV (quoted line breaks, neutralised formulas in every column: ``csvsafe``)."""
        return write_csv((asdict(d) for d in self.decisions()), list(Decision.__dataclass_fields__))


def labelled_sentences(decisions: list[Decision], threshold: float = 0.5) -> list[tuple[str, int]]:
    """Extra training examples from decisions: (sentence text, 1 biased / 0 not biased).

    - sentence score agreed: the model's side of the threshold is the label; disagreed: the other side;
    - a highlight agreed with: its sentence is labelled biased;
    - a highlight disagreed with says only that the term is fine, not that the sentence is neutral, so it
      adds no label.
    The latest decision per sentence wins.
    """
    labels: dict[str, int] = {}
    for d in decisions:
        sentence = d.sentence.strip()
        if not sentence:
            continue
        if d.target == "sentence" and d.score is not None:
            predicted = int(d.score >= threshold)
            labels[sentence] = predicted if d.decision == "agree" else 1 - predicted
        elif d.target == "annotation" and d.decision == "agree":
            labels[sentence] = 1
    return sorted(labels.items())
