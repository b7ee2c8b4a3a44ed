"""What can be told of a SPARQL text before (or after) the engine parses it: whether it is an
update, whether it calls SERVICE, names its own dataset or reads named graphs, and a parser error
a person can read.

Every check looks at the query's code only: strings, IRIs and comments are blanked first, so a
keyword inside a literal (`"INSERT"`, `"SERVICE"`) counts for nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.errors import QueryError
from kg.vocab import PREFIXES

TOKENS_TO_BLANK = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
GRAPH = re.compile(r"\bGRAPH\b", re.IGNORECASE)
PROLOGUE = re.compile(r"\s*(?:(?:BASE\s*<\s*>|PREFIX\s+[^\s:]*:\s*<\s*>)\s*)*", re.IGNORECASE)
UPDATE_KEYWORDS = frozenset(
    ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
)
ERROR_AT = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
PREFIXED_NAME = re.compile(r"(?<![\w?$:.-])([^\W\d_][\w.-]*)?:")
DECLARED = re.compile(r"PREFIX\s+([^\s:]*):", re.IGNORECASE)
MAX_EXPECTED = 8
MAX_NESTING = 256  # the parser recurses: about 2,000 nested groups overflow its stack (a crash)
OPENING, CLOSING = "{([", "})]"


@lru_cache(maxsize=64)  # each request's query is looked at by several checks
def code_of(query: str) -> str:
    """The query with strings, comments and the inside of IRIs blanked, every character kept
    in its place (line breaks stay, so positions match the query's)."""

    def blank(match: re.Match[str]) -> str:
        text = match.group(0)
        inner = re.sub(r"[^\n]", " ", text)
        return f"<{inner[1:-1]}>" if text.startswith("<") else inner

    return TOKENS_TO_BLANK.sub(blank, query)


def calls_service(query: str) -> bool:
    return SERVICE.search(code_of(query)) is not None


def reads_named_graphs(query: str) -> bool:
    """Whether the query may have a GRAPH pattern (only such a query reads the named graphs): a
    variable or a local name spelled `graph` counts too, which costs only time; a miss would cost
    rows."""
    return GRAPH.search(code_of(query)) is not None


def names_dataset(query: str) -> bool:
    """Whether the query has a FROM or FROM NAMED clause of its own."""
    return FROM.search(code_of(query)) is not None


def is_update(query: str) -> bool:
    """Whether the text is a SPARQL update (its first keyword after the prologue is one)."""
    code = code_of(query)
    rest = code[PROLOGUE.match(code).end() :]  # type: ignore[union-attr]  # always matches
    first = re.match(r"[A-Za-z]+", rest)
    return first is not None and first.group(0).upper() in UPDATE_KEYWORDS


def check_nesting(query: str) -> None:
    """QueryError when groups, brackets or parentheses nest deeper than MAX_NESTING: the
    parser would overflow its stack and take the process down with it."""
    depth = deepest = 0
    for char in code_of(query):
        if char in OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif char in CLOSING:
            depth -= 1
    if deepest > MAX_NESTING:
        raise QueryError(
            f"the query nests {deepest} levels deep; at most {MAX_NESTING} are allowed"
        )


def readable_syntax_error(query: str, message: str) -> str:
    """The parser's message as one line: an undeclared prefix named as such, where it is used;
    otherwise the parser's position as line and column of the query as written (the parser
    counts bytes), the text there and a long list of expected tokens shortened."""
    undeclared = _first_undeclared_prefix(query)
    if undeclared is not None:
        prefix, line_no, column = undeclared
        return (
            f"line {line_no}, column {column}: the prefix {prefix}: is not declared "
            f"(add PREFIX {prefix}: <...>)"
        )
    found = ERROR_AT.match(" ".join(message.split()))
    if found is None:
        return " ".join(message.split())
    line_no, byte_col, detail = int(found.group(1)), int(found.group(2)), found.group(3)
    lines = query.split("\n")
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    column = len(line.encode("utf-8")[: max(0, byte_col - 1)].decode("utf-8", "ignore")) + 1
    near = line[max(0, column - 1) :].strip()[:30]
    where = f"line {line_no}, column {column}"
    return f"{where}: {_short_expectation(detail)}" + (f' (at "{near}")' if near else "")


def _first_undeclared_prefix(query: str) -> tuple[str, int, int] | None:
    """The first prefix used but declared neither in the query nor by the project, with the
    line and column where it is used."""
    code = code_of(query)
    declared = set(DECLARED.findall(code))
    for match in PREFIXED_NAME.finditer(code):
        prefix = match.group(1) or ""
        if prefix in declared or prefix in PREFIXES:
            continue
        if re.match(r"PREFIX\s+$", code[max(0, match.start() - 20) : match.start()], re.I):
            continue
        before = code[: match.start()]
        return prefix, before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1
    return None


def _short_expectation(detail: str) -> str:
    """ "expected one of A, B, ['0'..='9' | ...], ..." with the character classes dropped and at
    most MAX_EXPECTED alternatives kept."""
    head, sep, listed = detail.partition("expected one of ")
    if not sep:
        return detail
    words = re.findall(r'"[^"]*"|[^,\s][^,]*', re.sub(r"\[[^\]]*\]", "", listed))
    words = [w.strip() for w in words if w.strip()]
    more = ", ..." if len(words) > MAX_EXPECTED else ""
    return f"{head}expected one of {', '.join(words[:MAX_EXPECTED])}{more}"
