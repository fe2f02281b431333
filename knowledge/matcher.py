"""Fast pattern lookups over one text: a regex runs only where one of its leading literals occurs.

Python's regex engine tries every branch of an alternation at every position of the text, which
makes a hundred word-list patterns over a 4 KB paste cost milliseconds. Each pattern here knows the
literal texts any match must begin with; a text is indexed once by the first letters of its words,
and the regex is tried only at the few positions where such a literal stands. Many patterns also know a
word any match holds further on ("fails" in "mw just fails"): in a text without one, they are not tried.
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, pairwise
from typing import Any, TypeVar

_sre: Any = importlib.import_module("re._parser")
_WORD = re.compile(r"\w+")
_WORD_AND_GAPS = re.compile(r"(\w+)")
_ASCII_WORD_AND_GAPS = re.compile(r"(\w+)", re.ASCII)  # the same split of an ASCII text, a third faster
_KEY = 3
_MAX_HEADS = 256
_SMALL_SET = 10
_SELECTIVE = 12
_LOOKUP = 9
_LATER_SHORTEST = 2  # a later word shorter than this is in too many texts to rule a pattern out
_LATER_MOST = 24  # more later words than this rule out too few texts to be worth looking up
_LATER_KEY = 4  # later words are indexed by up to this many first letters
_SELECTIVE_HEAD = 5  # a leading literal this long is rare enough inside other words to look for anywhere
_FEW_WORDS = 600  # up to this many characters, a text's words are looked up rather than each literal found
_WORD_CACHE = 100_000  # words whose literals FinderSet remembers; forgotten all at once past this
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
# Japanese, Chinese and Korean letters are word characters to `re`, so "MWは401" or "401로" would hide the
# 401 from `\b`; a Text puts a space where such a letter meets a Latin letter or digit.
JOINED_LETTERS = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff66-\uff9f"
_JOINED_RUN = re.compile(f"([{JOINED_LETTERS}]+)")
_JOINED_PAIR = re.compile(f"[{JOINED_LETTERS}]{{2}}")  # two such letters say as much as a Latin word
# the lengths of some literals, and each literal's finders
_Group = tuple[tuple[int, ...], dict[str, list["Finder"]]]
# per word: the finders whose literals it holds whole; the longer literals it begins, with their finders;
# the one or two characters that follow the word in those; and the finders one of whose later words it begins
_WordLiterals = tuple[tuple["Finder", ...], _Group, frozenset[str], tuple["Finder", ...]]
_NO_LITERALS: _WordLiterals = ((), ((), {}), frozenset(), ())

Head = tuple[str, bool]  # (lowercase literal a match starts with, whether it must start a word)
_Item = TypeVar("_Item")


def _key_length(literal: str) -> int:
    """How many leading characters of `literal` key the word index: its leading word, up to three."""
    word = _WORD.match(literal)
    return min(len(word.group()), _KEY) if word else 0


_ESCAPE = re.compile(r"\\.")  # `\S`, `\W`, `\B`: escapes whose capitals are no letters to match


def _lowercase_only(source: str) -> bool:
    """Whether a pattern's letters are all lowercase, so that it matches a lowercased text the same whether
    it ignores case or not, and a quarter faster when not. A pattern with a Greek σ or a dotless ı still
    ignores case: ignoring case, a lowercased text's final ς is a σ, and its i (from I) a Turkish ı."""
    letters = _ESCAPE.sub("", source)
    return letters == letters.lower() and "σ" not in letters and "ı" not in letters


def _latin_or_digit(character: str) -> bool:
    """Whether `character` is an ASCII letter or digit (an empty string is neither)."""
    return character.isascii() and character.isalnum()


def seam_scripts(text: str) -> str:
    """`text` with a space where Japanese, Chinese or Korean letters meet Latin letters or digits ("MWは401"
    reads "MW は 401"): those scripts join words to particles, and the space lets a word begin there.

    The text is split at its runs of such letters in one pass, rather than a pattern looking behind and
    ahead at every character."""
    pieces = _JOINED_RUN.split(text)
    if len(pieces) == 1:
        return text
    joined: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2:  # a run of joined letters, between two other pieces (either may be empty)
            if _latin_or_digit(pieces[index - 1][-1:]):
                joined.append(" ")
            joined.append(piece)
            if _latin_or_digit(pieces[index + 1][:1]):
                joined.append(" ")
        else:
            joined.append(piece)
    return "".join(joined)


def _single_spaced(piece: str, seam: bool) -> str:
    """A stretch of text with its white space runs made single spaces and, with `seam`, its scripts parted."""
    spaced = " ".join(piece.split())
    return seam_scripts(spaced) if seam else spaced


class Text:
    """One text prepared for many lookups: white space runs made single spaces, a space where Japanese,
    Chinese or Korean meets Latin letters or digits, lowercased once, its words indexed on demand."""

    def __init__(self, original: str, breaks: Sequence[int] = ()) -> None:
        seam = not original.isascii()
        bounds = pairwise((0, *breaks, len(original)))
        single = [_single_spaced(original[start:end], seam) for start, end in bounds]
        self.original = " ".join(piece for piece in single if piece)
        # where each entry begins here: the text's opening and each of `breaks` (the positions in `original`
        # where a reply of a pasted thread or a timeline line starts)
        self.entries = tuple(accumulate((len(piece) + 1 for piece in single if piece), initial=0))[:-1]
        self.lower = self.original.lower()
        # where the text's first line ends, when it has more than one: a title or a status line
        self.headline_end = len(" ".join(original.split("\n", 1)[0].split())) if "\n" in original else 0
        self._aligned = len(self.lower) == len(self.original)
        self._by_prefix: dict[int, dict[str, list[str]]] = {}
        self._positions: dict[str, list[int]] | None = None
        self._starts: dict[str, list[int]] = {}
        self.ruled_out: frozenset[Finder] = frozenset()
        self.candidates: dict[Finder, list[int]] = {}  # filled by FinderSet.prepare
        self.unsorted: set[Finder] = set()  # candidates not yet put in order
        self.found: dict[Finder, list[re.Match[str]]] = {}  # each finder's matches, once asked for
        self.leftmost: dict[Finder, re.Match[str] | None] = {}  # each finder's first match, once asked for
        self.spans: dict[Finders, tuple[tuple[int, int], ...]] = {}  # each phrase list's matches, in order
        self._source = (original, breaks)
        self._line_starts: tuple[int, ...] | None = None

    def line_starts(self) -> tuple[int, ...]:
        """Where each line of the original begins here, found once asked for."""
        if self._line_starts is None:
            original, breaks = self._source
            seam = not original.isascii()
            starts, at = [], 0
            for start, end in pairwise((0, *breaks, len(original))):
                for line in original[start:end].split("\n"):
                    single = _single_spaced(line, seam)
                    if single:
                        starts.append(at)
                        at += len(single) + 1
            self._line_starts = tuple(starts)
        return self._line_starts

    def prefixes(self, length: int) -> dict[str, list[str]]:
        """The distinct words keyed by their first `length` letters."""
        index = self._by_prefix.get(length)
        if index is None:
            index = {}
            for word in self.words():
                index.setdefault(word[:length], []).append(word)
            self._by_prefix[length] = index
        return index

    def words(self) -> dict[str, list[int]]:
        """Every word of the text with where it stands, found in one pass on first use."""
        if self._positions is None:
            # Splitting on words yields gap, word, gap, ... in C, and a running sum of their lengths gives
            # where each word starts: cheaper than a match object per word.
            splitter = _ASCII_WORD_AND_GAPS if self.lower.isascii() else _WORD_AND_GAPS
            pieces = splitter.split(self.lower)
            ends = list(accumulate(map(len, pieces)))
            positions: dict[str, list[int]] = {}
            for word, at in zip(pieces[1::2], ends[:-1:2], strict=True):
                seen = positions.get(word)
                if seen is None:
                    positions[word] = [at]
                else:
                    seen.append(at)
            self._positions = positions
        return self._positions

    def word_positions(self, word: str) -> list[int]:
        """Where `word` stands as a whole word."""
        return self.words().get(word, [])

    def word_starts(self, literal: str, key: str) -> list[int]:
        """Positions where a word begins with `literal`, whose leading word characters start with `key`."""
        cached = self._starts.get(literal)
        if cached is not None:
            return cached
        starts: list[int] = []
        lower = self.lower
        for word in self.prefixes(len(key)).get(key, ()):
            if word.startswith(literal):
                starts.extend(self.word_positions(word))
            elif literal.startswith(word) and literal in lower:  # the literal runs past this word ("at the")
                starts.extend(at for at in self.word_positions(word) if lower.startswith(literal, at))
        self._starts[literal] = starts
        return starts

    def occurrences(self, literal: str) -> Iterator[int]:
        """Positions where `literal` occurs anywhere."""
        at = self.lower.find(literal)
        while at >= 0:
            yield at
            at = self.lower.find(literal, at + 1)

    def span_text(self, start: int, end: int) -> str:
        """The text of a span, in its original case where lowercasing kept positions."""
        return (self.original if self._aligned else self.lower)[start:end]


def _charset(items: list[Any]) -> list[str] | None:
    """The characters of a small set of plain characters or ranges (`[sz]`, `[3-9]`, `\\d`), else None."""
    chars: list[str] = []
    for op, value in items:
        name = str(op)
        if name == "LITERAL":
            chars.append(chr(value).lower())
        elif name == "RANGE":
            chars.extend(chr(code).lower() for code in range(value[0], value[1] + 1))
        elif name == "CATEGORY" and str(value) == "CATEGORY_DIGIT":
            chars.extend("0123456789")
        elif name == "CATEGORY" and str(value) == "CATEGORY_SPACE":
            chars.append(" ")  # a Text holds single spaces only
        else:
            return None
    return chars if 0 < len(chars) <= _SMALL_SET else None


def _is_space(body: Any) -> bool:
    items = list(body.data)
    return len(items) == 1 and str(items[0][0]) == "IN" and _charset(list(items[0][1])) == [" "]


def _starts_word(name: str, value: Any) -> bool:
    """Whether this assertion puts what follows at a word's start when that begins with a letter: `\\b`,
    the text's start, or a lookbehind that ends in a space or mark (`(?<=rights )assigned`)."""
    if name == "AT":
        return str(value) in ("AT_BOUNDARY", "AT_BEGINNING_STRING")
    if name != "ASSERT" or value[0] >= 0:  # a lookahead says nothing of what comes before
        return False
    behind = list(value[1].data)
    if not behind:
        return False
    op, last = behind[-1]
    if str(op) == "LITERAL":
        return not (chr(last).isalnum() or chr(last) == "_")
    chars = _charset(list(last)) if str(op) == "IN" else None
    return chars is not None and not any(c.isalnum() or c == "_" for c in chars)


def _heads(items: list[Any], anchored: bool = False, prefix: str = "") -> set[Head] | None:
    """The literals every match of this parsed sequence starts with, or None if it can start anywhere.

    Alternatives and small character sets fan out into several literals, which grow until the
    pattern stops being plain text or the literal is long enough to be selective.
    """
    done = {(prefix, anchored)} if prefix else None
    for index, (op, value) in enumerate(items):
        name = str(op)
        if len(prefix) >= _SELECTIVE:
            return done
        if name == "LITERAL":
            prefix += chr(value).lower()
            done = {(prefix, anchored)}
            continue
        rest = items[index + 1 :]
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            if prefix:
                return done
            anchored = anchored or _starts_word(name, value)
            continue
        if name == "SUBPATTERN":
            return _heads(list(value[-1].data) + rest, anchored, prefix)
        if name == "ATOMIC_GROUP":
            return _heads(list(value.data) + rest, anchored, prefix)
        if name == "BRANCH":
            branches = [list(branch.data) for branch in value[1]]
            fanned = _union(_heads(branch + rest, anchored, prefix) for branch in branches)
            if fanned is None:
                fanned = _union(_heads(branch, anchored, prefix) for branch in branches)
            return fanned if fanned is not None else done
        if name in _REPEATS:
            low, high, body = value
            if high == 0:
                continue
            space = _is_space(body)
            if space:  # in a Text a run of white space is one space
                high = 1
            elif low == 0 and (len(prefix) >= _KEY or _JOINED_PAIR.match(prefix)):
                return done
            first = _heads(list(body.data) + (rest if high == 1 else []), anchored, prefix)
            fanned = first if low > 0 else _union([first, _heads(rest, anchored, prefix)])
            return fanned if fanned is not None else done
        if name == "IN":
            chars = _charset(list(value))
            if chars is None:
                return done
            fanned = _union(_heads(rest, anchored, prefix + c) for c in chars)
            return fanned if fanned is not None else {(prefix + c, anchored) for c in chars}
        return done
    return done


def _union(parts: Iterable[set[_Item] | None]) -> set[_Item] | None:
    """All the parts' items, or None when a part is unknown or there are too many to look for."""
    items: set[_Item] = set()
    for part in parts:
        if part is None:
            return None
        items |= part
        if len(items) > _MAX_HEADS:
            return None
    return items


def _nested(tree: Any, inside_unbounded: bool) -> bool:
    """Whether a repeat inside `tree` nests within an unbounded one."""
    for op, arg in tree:
        name = str(op)
        if name in _REPEATS:
            _, high, body = arg
            if inside_unbounded and high > 1:
                return True
            if _nested(body, inside_unbounded or high == _sre.MAXREPEAT):
                return True
        elif name == "SUBPATTERN":
            if _nested(arg[-1], inside_unbounded):
                return True
        elif name == "BRANCH":
            if any(_nested(branch, inside_unbounded) for branch in arg[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT") and _nested(arg[1], inside_unbounded):
            return True
    return False


def nests_unbounded_repeats(pattern: re.Pattern[str]) -> bool:
    """True when a repeat that can grow without bound holds another repeat: the shape that backtracks."""
    return _nested(_sre.parse(pattern.pattern, pattern.flags), inside_unbounded=False)


def _shortest(heads: set[Head]) -> set[Head]:
    """Drop literals that a shorter literal of the same kind already covers ("multif" under "multi")."""
    return {
        (literal, anchored)
        for literal, anchored in heads
        if not any(
            other != literal and literal.startswith(other) and (other, anchored) in heads
            for other, _ in heads
        )
    }


def literal_heads(pattern: re.Pattern[str]) -> set[Head] | None:
    """The leading literals of `pattern` (lowercase), or None when a match could begin with anything."""
    return _heads(list(_sre.parse(pattern.pattern, pattern.flags).data))


def _flattened(items: list[Any]) -> list[Any]:
    """The sequence with its groups opened up: what they hold, in order."""
    flat: list[Any] = []
    for op, value in items:
        if str(op) == "SUBPATTERN":
            flat.extend(_flattened(list(value[-1].data)))
        elif str(op) == "ATOMIC_GROUP":
            flat.extend(_flattened(list(value.data)))
        else:
            flat.append((op, value))
    return flat


def _after_space(items: list[Any]) -> bool:
    """Whether a match of this sequence always ends in white space (`\\s+`, `(?:\\S+\\s+)?` after one,
    `(?:is\\s+|are\\s+)`): what follows it starts a word."""
    if not items:
        return False
    op, value = items[-1]
    if str(op) == "BRANCH":  # "(?:is\s+|are\s+)": each way through it ends in white space
        return all(_after_space(_flattened(list(branch.data))) for branch in value[1])
    if str(op) not in _REPEATS:
        return False
    low, _, body = value
    if not (_is_space(body) or _after_space(_flattened(list(body.data)))):
        return False
    return low > 0 or _after_space(items[:-1])


def _later(items: list[Any]) -> set[str] | None:
    """Words one of which begins a word of every text this sequence matches in, past the match's start: those
    of the part after the first that is likeliest to be missing (the one whose shortest word is longest)."""
    flat = _flattened(items)
    body = [index for index, (op, _) in enumerate(flat) if str(op) not in ("AT", "ASSERT", "ASSERT_NOT")]
    if len(body) == 1 and str(flat[body[0]][0]) == "BRANCH":  # "a fails|b dies": each branch has its own
        rest = flat[body[0] + 1 :]
        words = _union(_later(list(branch.data) + rest) for branch in flat[body[0]][1][1])
        return words if words is not None and len(words) <= _LATER_MOST else None
    best: set[str] | None = None
    for index in body[1:]:
        if not _after_space(flat[:index]):  # what starts here need not start a word
            continue
        words = _word_starts(_heads(flat[index:], anchored=True))
        if words is not None and (best is None or _selectivity(words) > _selectivity(best)):
            best = words
    return best


def _word_starts(heads: set[Head] | None) -> set[str] | None:
    """The leading words of literals that all stand at a word start, when each is long enough to be rare
    and they are few ("already hit ", "already ran " give "already")."""
    if not heads or any(not anchored for _, anchored in heads):
        return None
    words = set()
    for literal, _ in heads:
        word = _WORD.match(literal)
        if word is None or len(word.group()) < _LATER_SHORTEST:
            return None
        words.add(word.group())
    words = {word for word in words if not any(other != word and word.startswith(other) for other in words)}
    return words if len(words) <= _LATER_MOST else None


def _selectivity(words: set[str]) -> tuple[int, int]:
    """The longer the shortest word and the fewer words, the rarer texts that hold one."""
    return min(map(len, words)), -len(words)


def later_words(pattern: re.Pattern[str]) -> set[str] | None:
    """Words one of which begins a word somewhere past the start of every match of `pattern` ("fails" for
    "mw fails"), or None when no part after the first is plain enough to say."""
    return _later(list(_sre.parse(pattern.pattern, pattern.flags).data))


class Finder:
    """A compiled pattern that searches a Text only where its leading literals occur."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = re.compile(
            pattern.pattern,
            (pattern.flags & ~re.IGNORECASE) | (0 if _lowercase_only(pattern.pattern) else re.IGNORECASE),
        )
        parsed = list(_sre.parse(self.pattern.pattern, self.pattern.flags).data)
        heads = _shortest(_heads(parsed) or set())
        anywhere = {literal for literal, anchored in heads if not anchored or not _key_length(literal)}
        at_word = {literal for literal, _ in heads} - anywhere
        # Long literals make a selective prefilter (`literals`); for finding positions a short prefix of
        # each is enough, and far fewer of them to look up (the regex checks the rest).
        self.anywhere = sorted({literal[:_LOOKUP] for literal in anywhere})
        self._by_key: dict[int, dict[str, list[str]]] = {}
        for literal in sorted({literal[:_LOOKUP] for literal in at_word}):
            length = _key_length(literal)
            self._by_key.setdefault(length, {}).setdefault(literal[:length], []).append(literal)
        self.heads = frozenset(heads)
        self.single_character_heads = sorted(literal for literal in at_word if len(literal) == 1)
        self.indexed = bool(heads)
        # a match starting at a leading literal also needs a word starting with one of these further on
        self.later = frozenset(_later(parsed) or ()) if heads else frozenset()

    @property
    def literals(self) -> frozenset[str]:
        """Every leading literal a match may begin with."""
        return frozenset(literal for literal, _ in self.heads)

    def literals_by_key(self) -> dict[int, dict[str, list[str]]]:
        """The literals this finder looks up at word starts, by index key and key length."""
        return {
            length: {key: list(literals) for key, literals in by_key.items()}
            for length, by_key in self._by_key.items()
        }

    def _candidates(self, text: Text) -> list[int]:
        """Positions where a leading literal stands: word starts looked up by prefix, the rest found."""
        prepared = text.candidates.get(self)
        if prepared is not None:
            if self in text.unsorted:  # put in order on first use: some prepared finders are never asked
                text.unsorted.discard(self)
                prepared[:] = sorted(set(prepared))
            return prepared
        starts: list[int] = []
        for length, literals_by_key in self._by_key.items():
            index = text.prefixes(length)
            for key, literals in literals_by_key.items():
                if key in index:
                    for literal in literals:
                        starts.extend(text.word_starts(literal, key))
        for literal in self.anywhere:
            starts.extend(text.occurrences(literal))
        return sorted(set(starts)) if len(starts) > 1 else starts

    def matches(self, text: Text) -> list[re.Match[str]]:
        """Non-overlapping matches, left to right; found once per text, since clues, denials and the gate
        ask for the same ones."""
        if self in text.ruled_out:
            return []
        found = text.found.get(self)
        if found is None:
            found = text.found[self] = list(self._scan(text))
        return found

    def _scan(self, text: Text) -> Iterator[re.Match[str]]:
        if not self.indexed:
            yield from self.pattern.finditer(text.lower)
            return
        end = 0
        for at in self._candidates(text):
            if at < end:
                continue
            match = self.pattern.match(text.lower, at)
            if match is not None and match.end() > match.start():
                end = match.end()
                yield match

    def starting_in(self, text: Text, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
        """Matches that start inside one of `windows` (sorted, disjoint, ends inclusive): checks around a few
        spots need not scan the whole text, and spots crowded together are looked at once."""
        if self in text.ruled_out:
            return
        if not self.indexed:
            for low, high in windows:
                for match in self.pattern.finditer(text.lower, max(low, 0)):
                    if match.start() > high:
                        break
                    yield match
            return
        candidates = self._candidates(text)  # sorted
        for low, high in windows:
            for at in candidates[bisect_left(candidates, low) : bisect_right(candidates, high)]:
                if (found := self.pattern.match(text.lower, at)) is not None:
                    yield found

    def first(self, text: Text, outside: tuple[tuple[int, int], ...] = ()) -> re.Match[str] | None:
        """The leftmost match that does not overlap any of the `outside` spans."""
        if self in text.ruled_out:
            return None
        if outside or not self.indexed:
            known = text.found.get(self)  # the matches if already known, else found only as far as needed
            return leftmost_outside(known if known is not None else self._scan(text), outside)
        if self in text.leftmost:  # the gate, the forms and the ranking ask the same finders again
            return text.leftmost[self]
        match_at, lower = self.pattern.match, text.lower  # the hot path: no generator, no span checks
        leftmost = None
        for at in self._candidates(text):
            found = match_at(lower, at)
            if found is not None and found.end() > at:
                leftmost = found
                break
        text.leftmost[self] = leftmost
        return leftmost


def leftmost_outside(
    matches: Iterable[re.Match[str]], outside: tuple[tuple[int, int], ...]
) -> re.Match[str] | None:
    """The first of `matches` (in text order) that overlaps none of the `outside` spans."""
    for match in matches:
        if not any(match.start() < stop and start < match.end() for start, stop in outside):
            return match
    return None


class SievedFinder(Finder):
    """A finder whose `_scan` keeps only some of its pattern's matches (lookalike names, dates far enough
    apart), judged on the text's whole set of them: its first match is the first one kept."""

    def first(self, text: Text, outside: tuple[tuple[int, int], ...] = ()) -> re.Match[str] | None:
        return leftmost_outside(self.matches(text), outside)


class Prefilter:
    """A cheap necessary condition for any of some finders to match in a text: one of their leading literals
    stands there, and a short one at a word start where its finder needs one, so that "red" or "all" does
    not pass every message that holds them inside a word ("shared", "tomorrow").

    A channel message has few words: looking up each word's first letters among the literals' is quickest.
    A long paste has hundreds: there, looking for each literal in the text is.
    """

    def __init__(self, finders: Iterable[Finder]) -> None:
        heads = {head for finder in finders for head in finder.heads}
        at_word: dict[str, set[str]] = {}
        for literal, anchored in heads:
            if anchored and _key_length(literal):
                at_word.setdefault(literal[: _key_length(literal)], set()).add(literal)
        self._at_word = {key: tuple(sorted(literals)) for key, literals in at_word.items()}
        self._key_lengths = sorted({len(key) for key in self._at_word})
        word_literals = {literal for literals in self._at_word.values() for literal in literals}
        self._anywhere = tuple(sorted({literal for literal, _ in heads} - word_literals))
        self._short = tuple(sorted(literal for literal in word_literals if len(literal) < _SELECTIVE_HEAD))
        self._long = tuple(sorted({literal for literal, _ in heads} - set(self._short)))

    def may_match(self, lower: str) -> bool:
        """Whether `lower` (lowercased, white space single) may hold a match of one of the finders."""
        if not lower.isascii():
            lower = seam_scripts(lower)
        if len(lower) <= _FEW_WORDS:
            keys = {word[:length] for word in _WORD.findall(lower) for length in self._key_lengths}
            return any(
                literal in lower for key in keys.intersection(self._at_word) for literal in self._at_word[key]
            ) or any(literal in lower for literal in self._anywhere)
        return any(_starts_a_word(lower, literal) for literal in self._short) or any(
            literal in lower for literal in self._long
        )


def _starts_a_word(text: str, literal: str) -> bool:
    """Whether `literal` stands in `text` where a word begins, as a `\\b` before it would require."""
    at = text.find(literal)
    while at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_"):
        at = text.find(literal, at + 1)
    return at >= 0


class Finders(tuple[Finder, ...]):
    """Finders in order that also know themselves as a set, so a prepared text's ruled-out finders are
    dropped from a long phrase list at once rather than asked one by one."""

    members: frozenset[Finder]

    def __new__(cls, finders: Iterable[Finder] = ()) -> Finders:
        group = super().__new__(cls, finders)
        group.members = frozenset(group)
        return group

    def live(self, text: Text) -> Iterable[Finder]:
        """Those that may match in `text`, in no particular order."""
        return self.members.difference(text.ruled_out) if text.ruled_out else self


def _group(literals: dict[str, list[Finder]]) -> _Group:
    """Literals with their lengths, for looking up which of them stands at a place."""
    return tuple(sorted({len(literal) for literal in literals})), literals


def _note_literals_at(
    starts: dict[Finder, list[int]],
    lower: str,
    at: int,
    lengths: Iterable[int],
    literals: dict[str, list[Finder]],
) -> None:
    """Note `at` as a start for the finders of whichever of `literals` (of these `lengths`) stands there."""
    window = lower[at : at + _LOOKUP]
    for length in lengths:
        owners = literals.get(window[:length])
        if owners is not None:
            for owner in owners:
                starts.setdefault(owner, []).append(at)


class FinderSet:
    """Many finders looked up together: one pass over a text's words finds where each of them can start."""

    def __init__(self, finders: Iterable[Finder]) -> None:
        self.finders = frozenset(finders)
        # length -> index key -> literal -> the finders that start with it
        self._by_key: dict[int, dict[str, dict[str, list[Finder]]]] = {}
        self._anywhere: dict[str, list[Finder]] = {}
        for finder in self.finders:
            for length, by_key in finder.literals_by_key().items():
                for key, literals in by_key.items():
                    for literal in literals:
                        self._by_key.setdefault(length, {}).setdefault(key, {}).setdefault(
                            literal, []
                        ).append(finder)
            for literal in finder.anywhere:
                self._anywhere.setdefault(literal, []).append(finder)
        # In-word literals by their first two characters: a pair the text lacks rules out its whole group,
        # and where it stands, what follows says which of the group's literals are there. Pairs with other
        # than ASCII letters (hundreds of CJK words) are looked at only in texts that hold their first
        # character; an ASCII text cannot hold a literal with other letters ("90 % に張り付", "14일째").
        by_head: dict[str, dict[str, list[Finder]]] = {}
        for literal, owners in self._anywhere.items():
            by_head.setdefault(literal[:2], {})[literal] = owners
        self._groups = {head: _group(literals) for head, literals in by_head.items()}
        self._foreign_heads: dict[str, list[str]] = {}  # first character -> non-ASCII pairs it begins
        for head in self._groups:
            if not head.isascii():
                self._foreign_heads.setdefault(head[0], []).append(head)
        self._ascii_groups = [(head, group) for head, group in self._groups.items() if head.isascii()]
        self._ascii_only = [
            (head, _group(ascii_literals))
            for head, literals in by_head.items()
            if head.isascii()
            and (ascii_literals := {lit: owners for lit, owners in literals.items() if lit.isascii()})
        ]
        # later words by their first letters: a finder none of whose later words the text has is ruled out
        self._later: dict[str, list[tuple[str, Finder]]] = {}
        for finder in self.finders:
            for word in finder.later:
                self._later.setdefault(word[:_LATER_KEY], []).append((word, finder))
        self._later_keys = sorted({len(key) for key in self._later})
        self._needing_later = frozenset(finder for finder in self.finders if finder.later)
        self._by_word: dict[str, _WordLiterals] = {}
        self._indexed = frozenset(finder for finder in self.finders if finder.indexed)

    def _word_literals(self, word: str) -> _WordLiterals:
        """The finders whose literals a word holds whole (each once), and the longer literals it begins
        that run on past it ("at the") with their finders, and the finders one of whose later words it
        begins. Worked out once per word and remembered, since the same words come back in text after text."""
        entries = self._by_word.get(word)
        if entries is None:
            whole: dict[Finder, None] = {}
            partial: dict[str, list[Finder]] = {}
            for length, by_key in self._by_key.items():
                for literal, owners in by_key.get(word[:length], {}).items():
                    if word.startswith(literal):
                        whole.update(dict.fromkeys(owners))
                    elif literal.startswith(word) and not _WORD.match(literal, len(word)):
                        # a literal running on with a letter ("items " for "item") is another word
                        partial.setdefault(literal, []).extend(owners)
            if len(self._by_word) >= _WORD_CACHE:
                self._by_word.clear()
            follows = frozenset(literal[len(word) : len(word) + 2] for literal in partial)
            later = tuple(
                finder
                for length in self._later_keys
                if length <= len(word)
                for start, finder in self._later.get(word[:length], ())
                if word.startswith(start)
            )
            entries = (
                (tuple(whole), _group(partial), follows, later) if whole or partial or later else _NO_LITERALS
            )
            self._by_word[word] = entries
        return entries

    def _groups_in(self, lower: str) -> list[tuple[str, _Group]]:
        """The in-word literal groups whose pair of first characters may occur in `lower`."""
        if lower.isascii():
            return self._ascii_only
        foreign = [
            (head, self._groups[head])
            for first in set(lower).intersection(self._foreign_heads)
            for head in self._foreign_heads[first]
        ]
        return self._ascii_groups + foreign

    def prepare(self, text: Text) -> Text:
        """Mark on `text` where each finder of this set can start; finders that cannot are ruled out.

        Each distinct word of the text is looked up once, however many literals and finders it begins.
        """
        starts: dict[Finder, list[int]] = {}
        later_found: set[Finder] = set()
        lower, known = text.lower, self._by_word
        for word, positions in text.words().items():
            entries = known.get(word) or self._word_literals(word)
            if entries is _NO_LITERALS:
                continue
            whole, (lengths, partial), follows, later = entries
            later_found.update(later)
            for owner in whole:
                found = starts.get(owner)
                if found is None:
                    starts[owner] = list(positions)
                else:
                    found.extend(positions)
            if partial:
                # "401" begins a hundred run-on literals ("401 mailboxes", "401 on"): rather than try each
                # where the word stands, look up what follows it there, for each length such literals have;
                # most places are passed over on the next two characters alone ("14:02" for "14 days").
                size = len(word)
                for at in positions:
                    after = lower[at + size : at + size + 2]
                    if after not in follows and after[:1] not in follows:
                        continue
                    _note_literals_at(starts, lower, at, lengths, partial)
        for head, (sizes, literals) in self._groups_in(lower):
            if len(literals) == 1:  # "@", ".onmicros": where the literal stands is all there is to know
                [(literal, owners)] = literals.items()
                found = list(text.occurrences(literal))
                for owner in owners:
                    starts.setdefault(owner, []).extend(found)
                continue
            at = lower.find(head)
            while at >= 0:
                _note_literals_at(starts, lower, at, sizes, literals)
                at = lower.find(head, at + 1)
        for finder in self._needing_later.intersection(starts).difference(later_found):
            del starts[finder]  # it may start here, but nothing it needs further on is in the text
        text.candidates = starts
        text.unsorted = {finder for finder, found in starts.items() if len(found) > 1}
        text.ruled_out = self._indexed.difference(starts)
        return text
