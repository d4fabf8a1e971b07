"""Boolean topic queries: parse, compile to an Ibis filter, and match in plain Python.

Syntax (like Brandwatch's and Talkwalker's, case-insensitive for words, operators in capitals)::

    대한항공 OR "korean air" OR @KoreanAir OR #대한항공
    (배송 OR 택배) AND (늦다 OR 지연) NOT 환불
    united -"united states"          # - is NOT; words side by side are ANDed
    삼성*                            # prefix: 삼성, 삼성전자, 삼성페이 ...

- ``AND``, ``OR``, ``NOT`` (also ``-`` before a term or group), parentheses; ``NOT`` binds
  tighter than ``AND``, which binds tighter than ``OR``; juxtaposition is ``AND``.
- A word is matched morpheme-aware for Korean and case-insensitively, plural-folded for English:
  the term is analysed like post text into match units (:mod:`socialops.nlp.match`) and found as
  a whole-unit run in the post's ``match_text`` — ``배송`` finds 배송이 and 배송은, ``늦다`` finds
  늦었어요, ``flight`` finds Flights. Trailing particles and endings of a term are dropped.
- ``"exact phrase"``: its units, consecutive and in order.
- ``#hashtag`` and ``@handle``: that hashtag or mention (case-insensitive).
- ``word*``: any unit that starts with ``word``.

A query that does not parse raises :class:`~socialops.errors.QueryError` whose message gives
the position (1-based) and shows the query with a marker there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Union

from socialops.errors import QueryError
from socialops.i18n import render
from socialops.nlp import en, ko
from socialops.nlp import match as mu

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

__all__ = [
    "And",
    "Node",
    "Not",
    "Or",
    "Term",
    "compile_arrow",
    "compile_query",
    "matches",
    "parse",
    "terms",
]

MAX_QUERY_CHARS = 2000
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


@dataclass(frozen=True)
class Term:
    raw: str  # as written (without quotes)
    units: tuple[str, ...]  # match units to find as one run
    prefix: bool = False  # last unit is a prefix (word*)
    phrase: bool = False
    compound: str | None = None  # Korean nouns written as one word: also found as a compound

    @property
    def needles(self) -> tuple[str, ...]:
        """Substrings of ``match_text`` any of which means a match."""
        end = "" if self.prefix else " "
        out = [f" {' '.join(self.units)}{end}"]
        if self.compound:
            out.append(f" {self.compound}{end}")
        return tuple(out)


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Union[Term, Not, And, Or]  # noqa: UP007 - a runtime alias

# -- tokens ------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<lp>\()|(?P<rp>\))|(?P<phrase>"[^"]*"?)|(?P<minus>-(?=[^\s)]))"""
    r"""|(?P<word>[^\s()"]+)"""
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # lp rp phrase word and or not end
    text: str
    pos: int  # 0-based character offset


def _error(query: str, pos: int, why: str, **params: str) -> QueryError:
    """The parse error at ``pos``: ``why`` names its reason (``query.why.<why>``)."""
    pos = max(0, min(pos, len(query)))
    shown = f"{query[:pos]}⟦here⟧{query[pos:]}"
    key = f"query.why.{why}"
    return QueryError(
        position=pos + 1,
        code="query.bad",
        pos=pos + 1,
        shown=shown,
        why=why,
        why_ko=render(key, "ko", params, paths=True),
        why_en=render(key, "en", params, paths=True),
    )


def _lex(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "ws":
            continue
        if kind == "phrase":
            if len(text) < 2 or not text.endswith('"'):
                raise _error(query, m.start(), "open_phrase")
            toks.append(_Tok("phrase", text[1:-1], m.start()))
        elif kind == "word" and text in ("AND", "OR", "NOT"):
            toks.append(_Tok(text.lower(), text, m.start()))
        elif kind == "word" and text in ("&&", "||"):
            toks.append(_Tok("and" if text == "&&" else "or", text, m.start()))
        elif kind == "minus":
            toks.append(_Tok("not", "-", m.start()))
        else:
            toks.append(_Tok(kind, text, m.start()))
    toks.append(_Tok("end", "", len(query)))
    return toks


# -- terms -------------------------------------------------------------------------------------
_DROP_TRAILING = ("J", "E", "S")  # particles, endings, punctuation at the end of a term
_KEEP_S = ("SL", "SN", "SH")  # Latin, numbers, Chinese characters are words


def _units_ko(text: str) -> tuple[list[str], str | None]:
    """Units of a Korean term, and its compound form when it is nouns written as one word."""
    morphs = [(f, t.partition("-")[0]) for f, t, _ in ko.analyse([text])[0]]
    while morphs and morphs[-1][1].startswith(_DROP_TRAILING) and morphs[-1][1] not in _KEEP_S:
        morphs.pop()
    pairs = [(mu.unit(f, t), t) for f, t in morphs]
    units = [u for u, _ in pairs if u]
    compound = None
    if (
        1 < len(units) <= mu.MAX_COMPOUND
        and " " not in text.strip()
        and all(t in mu.COMPOUND_TAGS for u, t in pairs if u)
    ):
        compound = "".join(units)
    return units, compound


def _units_en(text: str) -> list[str]:
    toks, _ = en.tokenize(text)
    out = []
    for tok in toks:
        form, _, tag = tok.rpartition("/")
        u = mu.unit(form, tag)
        if u:
            out.append(u)
    return out


def _term(query: str, tok: _Tok) -> Term:
    raw = tok.text
    phrase = tok.kind == "phrase"
    body = raw.strip()
    prefix = not phrase and body.endswith("*") and len(body) > 1
    if prefix:
        body = body.rstrip("*")
    if not body:
        raise _error(query, tok.pos, "empty_term")
    compound: str | None = None
    if not phrase and body[0] in "#@" and len(body) > 1:
        units: list[str] = [body.lower()]
    elif not phrase and "*" in body:
        raise _error(query, tok.pos, "star")
    elif _HANGUL.search(body):
        units, compound = _units_ko(body)
    else:
        units = _units_en(body)
    if not units:
        raise _error(query, tok.pos, "nothing", raw=repr(raw))
    return Term(raw=raw, units=tuple(units), prefix=prefix, phrase=phrase, compound=compound)


# -- parser ------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.toks = _lex(query)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise _error(self.query, 0, "empty")
        node = self.or_()
        if self.tok.kind == "rp":
            raise _error(self.query, self.tok.pos, "stray_close")
        if self.tok.kind != "end":  # pragma: no cover - or_ consumes everything else
            raise _error(self.query, self.tok.pos, "unexpected", token=repr(self.tok.text))
        return node

    def or_(self) -> Node:
        parts = [self.and_()]
        while self.tok.kind == "or":
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_(self) -> Node:
        start = self.tok.pos
        parts = [self.not_()]
        while True:
            if self.tok.kind == "and":
                self.take()
                parts.append(self.not_())
            elif self.tok.kind in ("word", "phrase", "lp", "not"):
                parts.append(self.not_())  # juxtaposition
            else:
                break
        if all(isinstance(p, Not) for p in parts):
            raise _error(
                self.query,
                start,
                "only_not",
            )
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_(self) -> Node:
        if self.tok.kind == "not":
            self.take()
            return Not(self.not_())
        return self.atom()

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "lp":
            self.take()
            if self.tok.kind == "rp":
                raise _error(self.query, self.tok.pos, "empty_parens")
            node = self.or_()
            if self.tok.kind != "rp":
                raise _error(self.query, self.tok.pos, "open_paren")
            self.take()
            return node
        if t.kind in ("word", "phrase"):
            self.take()
            return _term(self.query, t)
        if t.kind == "end":
            raise _error(self.query, t.pos, "ends")
        if t.kind == "rp":
            raise _error(self.query, t.pos, "close_for_word")
        raise _error(self.query, t.pos, "op_for_word", token=t.text)


def parse(query: str) -> Node:
    """Parse a topic query into a tree of :class:`Term`, :class:`Not`, :class:`And`, :class:`Or`."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(code="query.too_long", n=len(query), limit=MAX_QUERY_CHARS)
    return _Parser(query).parse()


def terms(node: Node, *, positive: bool = True) -> list[Term]:
    """The terms of a query; with ``positive`` only those not under a NOT."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return [] if positive else terms(node.child, positive=positive)
    return [t for c in node.children for t in terms(c, positive=positive)]


def compile_query(node: Node, match_text: ir.StringValue) -> ir.BooleanValue:
    """The query as an Ibis boolean over a ``match_text`` column (runs on DuckDB and Spark)."""
    if isinstance(node, Term):
        hits = [match_text.contains(n) for n in node.needles]
        return reduce(lambda a, b: a | b, hits)
    if isinstance(node, Not):
        return ~compile_query(node.child, match_text)
    parts = [compile_query(c, match_text) for c in node.children]
    if isinstance(node, And):
        return reduce(lambda a, b: a & b, parts)
    return reduce(lambda a, b: a | b, parts)


def compile_arrow(node: Node, match_text: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The same query over an in-memory Arrow ``match_text`` column (Kleene logic, as SQL: a
    null ``match_text`` matches nothing); the caller fills nulls with False."""
    import pyarrow.compute as pc  # lazy: start-up time (pyarrow), only the web explorer needs it

    if isinstance(node, Term):
        hits = [pc.match_substring(match_text, n) for n in node.needles]
        return reduce(pc.or_kleene, hits)
    if isinstance(node, Not):
        return pc.invert(compile_arrow(node.child, match_text))
    parts = [compile_arrow(c, match_text) for c in node.children]
    return reduce(pc.and_kleene if isinstance(node, And) else pc.or_kleene, parts)


def matches(node: Node, match_text: str) -> bool:
    """The same query in plain Python (tests check the engines against it)."""
    if isinstance(node, Term):
        return any(n in match_text for n in node.needles)
    if isinstance(node, Not):
        return not matches(node.child, match_text)
    if isinstance(node, And):
        return all(matches(c, match_text) for c in node.children)
    return any(matches(c, match_text) for c in node.children)
