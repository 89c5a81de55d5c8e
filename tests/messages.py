"""Every message the tool can print to an editor, read from its source: the
strings given to print, say, Problem, the import's error list, argparse's type
errors, site.yaml's err() and the importer's review reasons. F-string fields
and joined values become placeholders ‹1›, ‹2› ..., so a message stands for
every text it can print."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "wxnews_site"
# The modules whose words reach an editor (the search index and the page
# renderer report nothing but through these).
MODULES = (
    "cli.py", "report.py", "devserver.py", "config.py", "format.py", "linkcheck.py",
    "commands/build.py", "commands/check.py", "commands/import_.py", "commands/review.py", "commands/serve.py",
    "site/build.py", "site/partition.py", "site/manifest.py",
    "importer/naming.py", "importer/jsonl.py", "importer/decode.py", "importer/layout.py",
    "importer/confidence.py", "importer/write.py", "importer/regroup.py", "importer/story.py",
)
HOLE = "‹{}›"


def _sample(node: ast.AST, counter: list[int]) -> str | None:
    """The text of a string expression with every computed part a placeholder; None if not a string."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value))
            else:
                inner = part.value if isinstance(part, ast.FormattedValue) else part
                nested = _sample(inner, counter) if isinstance(inner, (ast.JoinedStr, ast.Constant)) else None
                if nested is None:
                    counter[0] += 1
                    nested = HOLE.format(counter[0])
                out.append(nested)
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left, counter), _sample(node.right, counter)
        if left is None and right is None:
            return None
        counter[0] += 1
        return (left if left is not None else HOLE.format(counter[0])) + (right if right is not None else HOLE.format(counter[0]))
    if isinstance(node, ast.IfExp):
        return _sample(node.body, counter)
    return None


def _message_args(call: ast.Call) -> list[ast.AST]:
    f = call.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
    if name in ("print", "say", "ArgumentTypeError", "WriteError", "DecodeError", "_errors", "cite_raw", "translate"):
        args = list(call.args[:1])
        if name == "_errors" and args and isinstance(args[0], ast.List):
            args = list(args[0].elts)
        return args
    if name == "Problem":
        return [call.args[2]] if len(call.args) > 2 else [k.value for k in call.keywords if k.arg == "message"]
    if name == "err":
        return call.args[1:2]
    if name == "append" and isinstance(f, ast.Attribute) and "review" in ast.unparse(f.value):
        return call.args[:1]
    if name == "_take_line":  # (regroup: the review of the story that takes a headline line)
        return call.args[4:5]
    return []


# Functions whose result is a message printed by their callers.
MESSAGE_FUNCTIONS = ("no_articles", "_folded_note")


def _returned(tree: ast.AST) -> list[tuple[int, ast.AST]]:
    return [(r.lineno, r.value) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and f.name in MESSAGE_FUNCTIONS
            for r in ast.walk(f) if isinstance(r, ast.Return) and r.value is not None]


def english_messages() -> list[tuple[str, int, str]]:
    """(module, line, message with placeholders) for every message of MODULES."""
    found = []
    for rel in MODULES:
        tree = ast.parse((PACKAGE / rel).read_text(encoding="utf-8"))
        for line, value in _returned(tree):
            text = _sample(value, [0])
            if text:
                found.append((rel, line, text))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for arg in _message_args(node):
                    text = _sample(arg, [0])
                    if text and any(c.isalpha() and c.isascii() for c in text):
                        found.append((rel, node.lineno, text))
    return found
