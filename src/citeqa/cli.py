"""The command line: ``citeqa index``, ``ask``, ``quotes``, ``eval``, ``articles`` and ``conversations``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from citeqa.answers.evaluate import evaluate, read_questions
from citeqa.answers.tuning import Tuning
from citeqa.articles.catalog import Filter, sections
from citeqa.citations import render
from citeqa.citations.cite import STYLES, cite, nested, speaking
from citeqa.config import Config
from citeqa.engine import Engine, RefreshReport
from citeqa.errors import CiteqaError, QuestionError
from citeqa.records import ANSWERED, CLOSEST, NOT_FOUND, Answer, Article, Citation, CorpusProblem
from citeqa.workbench.saved.store import ConversationStore

log = logging.getLogger("citeqa")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    verbose = getattr(args, "verbose", False)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    if not verbose:
        for noisy in ("faiss", "sentence_transformers", "bm25s", "transformers", "httpx"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        config = Config.from_env(**{k: getattr(args, k, None) for k in ("corpus", "index", "model", "conversations")})
        return args.run(args, config)
    except CiteqaError as exc:
        print(f"citeqa: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    # SUPPRESS: options given before or after the command both count, and neither erases the other.
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--corpus", type=Path, help="folder of articles (default: corpus, or $CITEQA_CORPUS)")
    common.add_argument("--index", type=Path, help="folder of the index (default: .citeqa/index, or $CITEQA_INDEX)")
    common.add_argument("--model", help="embedding model: all-MiniLM-L6-v2 or a local folder ($CITEQA_MODEL)")
    common.add_argument("-v", "--verbose", action="store_true", help="log what is being done")
    parser = argparse.ArgumentParser(prog="citeqa", description=__doc__, parents=[common])
    commands = parser.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", parents=[common], help="build or refresh the index")
    index.set_defaults(run=_index)

    ask = commands.add_parser("ask", parents=[common], help="answer a question (or questions from stdin)")
    ask.add_argument("question", nargs="?", help="the question; without it, one question per line of stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--k", type=int, help="number of sources (default 5, or $CITEQA_K)")
    ask.add_argument("--style", choices=STYLES, default="plain", help="citation style (default plain)")
    ask.add_argument("--article", action="append", metavar="ID", help="search only this article (repeatable)")
    ask.set_defaults(run=_ask)

    quotes = commands.add_parser("quotes", parents=[common], help="list quotations and their speakers")
    quotes.add_argument("--speaker", metavar="TEXT", help="only this speaker's: a name, part of one, or a role")
    quotes.add_argument("--article", action="append", metavar="ID", help="only in this article (repeatable)")
    quotes.add_argument("--json", action="store_true", help="print one JSON object per quotation")
    quotes.set_defaults(run=_quotes)

    ev = commands.add_parser("eval", parents=[common], help="score answers against a JSONL file of questions")
    ev.add_argument("file", type=Path, help='lines of {"q": "...", "gold": ["substring", ...]}')
    ev.add_argument("--k", type=int, default=5, help="sources per question (default 5)")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a weight or threshold for this run, e.g. policy.coverage=0.4 (repeatable)",
    )
    ev.set_defaults(run=_eval)

    articles = commands.add_parser(
        "articles", parents=[common], help="list or find the articles (by words of their text), and skipped files"
    )
    articles.add_argument(
        "--find", metavar="TEXT", help="only articles with every word of TEXT in their text or byline"
    )
    articles.add_argument("--section", action="append", metavar="S", help="only articles of section S (repeatable)")
    articles.add_argument(
        "--sort",
        choices=CLI_SORTS,
        help="relevance (the default with --find; else the collection's order), date (newest first) or headline",
    )
    articles.add_argument("--json", action="store_true", help="print one JSON object per article, no skipped files")
    articles.set_defaults(run=_articles)

    saved = commands.add_parser("conversations", parents=[common], help="list, show or delete saved conversations")
    saved.add_argument("id", nargs="?", help="a conversation to print as Markdown (the c= of its address)")
    saved.add_argument("--style", choices=STYLES, default="plain", help="citation style (default plain)")
    saved.add_argument("--delete", action="store_true", help="delete the conversation ID and its quote basket")
    saved.add_argument("--limit", type=int, default=50, help="how many to list, the latest first (default 50)")
    saved.add_argument("--conversations", type=Path, help="the SQLite file (default: $CITEQA_CONVERSATIONS)")
    saved.set_defaults(run=_conversations)
    return parser


def _open(config: Config, *, progress_bar: bool = False, list_problems: bool = False) -> tuple[Engine, RefreshReport]:
    bar = None

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal bar
        if stage != "embedding":
            if progress_bar:  # `citeqa index` says what it is doing; the bar then gives rate and time left
                print(f"citeqa: {stage}", file=sys.stderr)
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc=stage, unit="text", file=sys.stderr, disable=not progress_bar)
        bar.update(done - bar.n)

    engine, report = Engine.open(config, progress=progress)
    if bar is not None:
        bar.close()
    for message in report.messages:
        print(f"citeqa: {message}", file=sys.stderr)
    if report.problems and not list_problems:
        print(f"citeqa: {_skipped(report.problems)}", file=sys.stderr)
    return engine, report


def _skipped(problems: tuple[CorpusProblem, ...]) -> str:
    """One line for the files that were skipped: a few named, the count of the rest."""
    shown = "; ".join(str(p) for p in problems[:3])
    more = f"; and {len(problems) - 3} more (`citeqa articles` lists them all)" if len(problems) > 3 else ""
    return f"skipped {len(problems)} file{'s' if len(problems) > 1 else ''}: {shown}{more}"


def _index(args: argparse.Namespace, config: Config) -> int:
    engine, report = _open(config, progress_bar=True)
    if not report.saved:
        return 1  # the reason is among the messages printed
    print(f"{len(engine.articles)} articles, {engine.passage_count} passages indexed in {engine.store.location}")
    return 0


def _ask(args: argparse.Namespace, config: Config) -> int:
    engine, _ = _open(config)
    questions = iter([args.question]) if args.question is not None else _stdin_lines()
    for question in questions:
        try:
            if isinstance(question, QuestionError):
                raise question
            answer = engine.ask(question, k=args.k, articles=args.article)
        except QuestionError as exc:
            if args.question is not None:
                raise
            # One line out per line in, so a bad line does not shift the answers after it.
            text = question if isinstance(question, str) else None
            error = {
                "question": text,
                "outcome": None,
                "found": False,
                "answer": "",
                "citations": [],
                "error": str(exc),
            }
            print(json.dumps(error, ensure_ascii=False) if args.json else f"citeqa: {exc}", flush=True)
            continue
        if args.json:
            print(json.dumps(answer_json(answer, config, args.style), ensure_ascii=False), flush=True)
        else:
            _print_answer(answer, args.style, sys.stdout)
    return 0


def _quotes(args: argparse.Namespace, config: Config) -> int:
    engine, _ = _open(config)
    found = engine.quotations(speaker=args.speaker, articles=args.article)
    if args.speaker is not None and not found:
        print(f"citeqa: the articles never quote {args.speaker!r}", file=sys.stderr)
        return 1
    for citation in found:
        if args.json:
            print(json.dumps(quotation_json(citation, config), ensure_ascii=False))
        else:
            who = speaking(citation, role=True) or "Speaker unknown:"
            print(f"{who} “{nested(citation.quote)}” ({citation.article.id}, para. {citation.paragraph})")
    return 0


def quotation_json(citation: Citation, config: Config) -> dict:
    """A quotation as a line of ``citeqa quotes --json``: ``text[start:end]`` of its paragraph is ``quote``."""
    return {
        "speaker": citation.speaker,
        "role": citation.role,
        "quote": citation.quote,
        "article": _article_json(citation, config),
        "paragraph": citation.paragraph,
        "start": citation.quote_start,
        "end": citation.quote_end,
    }


def _stdin_lines() -> Iterator[str | QuestionError]:
    """Lines of standard input as text; a line that is not UTF-8 becomes an error for that line alone."""
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            yield raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            yield QuestionError(f"line {number} of the input is not UTF-8 text (byte 0x{raw[exc.start]:02x}); skipped")


def _eval(args: argparse.Namespace, config: Config) -> int:
    questions = read_questions(args.file)
    tuning = Tuning().with_settings(dict(_setting(s) for s in args.set))
    engine, _ = _open(config)
    report = evaluate(questions, lambda q: engine.ask(q, k=args.k, tuning=tuning))
    if args.json:
        print(json.dumps(report.as_dict(), indent=1))
        return 0
    for key, value in report.as_dict().items():
        print(f"{key:26} {value}")
    for miss in report.misses:
        q = miss.question
        if not q.answerable:
            what = "answered, though the articles do not answer it"
        elif miss.outcome != ANSWERED:
            what = f"{miss.outcome}, first correct source at rank {miss.rank}"
        else:
            what = f"first correct source at rank {miss.rank}"
        print(f"  miss: {q.q!r}: {what}")
    return 0


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise CiteqaError(f"--set {text!r} must be NAME=VALUE, e.g. policy.coverage=0.4")
    return name.strip(), value.strip()


CLI_SORTS = {"relevance": "relevance", "date": "newest", "headline": "headline"}


def _articles(args: argparse.Namespace, config: Config) -> int:
    engine, _ = _open(config, list_problems=True)
    catalog = engine.catalog
    known = sections(engine.articles)
    wanted = frozenset(args.section or ())
    unknown = sorted(wanted - set(known))
    if unknown:
        listed = ", ".join(known) if known else "none: no article has a section"
        raise CiteqaError(f"no section {', '.join(map(repr, unknown))} in this collection; its sections: {listed}")
    found = catalog.find(Filter(words=args.find or "", sections=wanted), CLI_SORTS[args.sort or "relevance"])
    duplicates = catalog.duplicates
    for article in found.articles:
        shown = catalog.snippet(article, found.terms)
        if args.json:
            record = article_record(article, config) | {
                "snippet": shown.text if shown else None,
                "duplicate_of": duplicates.original(article.id),
            }
            print(json.dumps(record, ensure_ascii=False))
            continue
        meta = ", ".join(
            str(v) for v in (article.outlet, article.author, article.date or "undated", article.section) if v
        )
        line = f"{article.id}: “{article.title}” ({meta}), {len(article.paragraphs)} paragraphs [{article.path}]"
        if duplicates.original(article.id):
            line += f" (nearly repeats {duplicates.original(article.id)})"
        print(line + (f"\n    {shown.text}" if shown else ""))
    if not args.json:
        for problem in engine.problems:
            print(f"skipped {problem}")
    return 0


def _article_json(citation: Citation, config: Config) -> dict:
    """The article of a citation or quotation, as in ``citeqa articles --json`` less its paragraph count."""
    return {k: v for k, v in article_record(citation.article, config).items() if k != "paragraphs"}


def article_record(article: Article, config: Config) -> dict:
    """An article as the JSON of ``citeqa articles --json`` (and, less its paragraph count, of a citation)."""
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "date": article.date.isoformat() if article.date else None,
        "section": article.section,
        "path": str((config.corpus / article.path).resolve()),
        "paragraphs": len(article.paragraphs),
    }


def _conversations(args: argparse.Namespace, config: Config) -> int:
    store = ConversationStore(config.conversations)
    if store.warning:
        print(f"citeqa: {store.warning}", file=sys.stderr)
    if args.id is None:
        for summary in store.recent(None, limit=args.limit):
            print(f"{summary.id}  {summary.updated:%Y-%m-%d %H:%M}  {summary.turns:3d} questions  {summary.title}")
        return 0
    conversation = store.load(args.id)
    if conversation is None:
        raise CiteqaError(
            f"there is no saved conversation {args.id!r} in {config.conversations}; list them with "
            "`citeqa conversations`"
        )
    if conversation.unreadable:
        print(f"citeqa: {conversation.unreadable}", file=sys.stderr)
    if args.delete:
        store.delete(conversation.id, conversation.owner)
        print(f"Deleted conversation {conversation.id} ({conversation.title}).")
        return 0
    print(render.conversation_markdown(list(conversation.turns), args.style))
    if conversation.basket:
        print(render.basket_markdown(list(conversation.basket), args.style))
    return 0


def answer_json(answer: Answer, config: Config, style: str) -> dict:
    """The answer as the JSON object of ``citeqa ask --json``."""
    return {
        "question": answer.question,
        "outcome": answer.outcome,
        "found": answer.found,
        "answer": answer.answer,
        "reason": answer.reason,
        "citations": [citation_json(c, config, style) for c in answer.citations],
        "closest": [citation_json(c, config, style) for c in answer.closest],
        "notes": list(answer.notes),
    }


def citation_json(citation: Citation, config: Config, style: str) -> dict:
    return {
        "n": citation.n,
        "article": _article_json(citation, config),
        "paragraph": citation.paragraph,
        "locator": citation.locator,
        "text": citation.text,
        "quote": citation.quote,
        "score": citation.score,
        "cite": cite(citation, style),
        "matched": list(citation.matched),
        "unmatched": list(citation.unmatched),
        "speaker": citation.speaker,  # null when the quote is no quotation, or its speaker is unknown
        "role": citation.role,
        "also_in": list(citation.also_in),
    }


def _print_answer(answer: Answer, style: str, out: TextIO) -> None:
    out.write(f"Q: {answer.question}\n")
    for note in answer.notes:
        out.write(f"Note: {note}\n")
    caveat = render.caveat(answer)
    if caveat:
        out.write(f"Note: {caveat}\n")
    out.write(textwrap.fill(answer.answer, width=100, initial_indent="A: ", subsequent_indent="   ") + "\n")
    sources = answer.citations if answer.found else answer.closest
    if sources:
        out.write("\nSources:\n" if answer.found else f"\n{CLOSEST_HEADING[answer.outcome]}:\n")
    for citation in sources:
        out.write(f"[{citation.n}] {cite(citation, style)}  (score {citation.score:.2f})\n")
        matches = render.matches_text(citation)
        if matches:
            out.write(f"    {matches}\n")
    out.write("\n")
    out.flush()


CLOSEST_HEADING = {
    CLOSEST: "Closest passages (they may not answer it)",
    NOT_FOUND: "Nearest passages (they do not answer it)",
}


if __name__ == "__main__":
    sys.exit(main())
