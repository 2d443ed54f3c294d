"""The path of a question: read against the conversation, searched, judged, and answered in quotes.

``Engine.ask`` checks the question at the edge and calls ``answer`` with one consistent index.
"""

from __future__ import annotations

from collections.abc import Sequence

from citeqa.answers.compose import compose, one_per_story, with_also_in
from citeqa.answers.conversation import resolve
from citeqa.answers.judge import Evidence, judge
from citeqa.answers.query import analyse
from citeqa.answers.search import search
from citeqa.answers.tuning import Tuning
from citeqa.articles.duplicates import Duplicates
from citeqa.errors import QuestionError
from citeqa.index.base import IndexData
from citeqa.index.embed import Embedder
from citeqa.records import Answer, Turn


def answer(
    question: str,
    *,
    data: IndexData,
    evidence: Evidence,
    embedder: Embedder,
    k: int,
    allowed: frozenset[str] | None,
    searched: list[str] | None,
    history: Sequence[Turn] = (),
    notes: tuple[str, ...] = (),
    tuning: Tuning = Tuning(),
    duplicates: Duplicates | None = None,
) -> Answer:
    """The answer to a checked ``question`` from the build ``data``.

    Args:
        allowed, searched: the ids of the articles to search, as a set and sorted (None: all).
        history: earlier turns, oldest first, that a follow-up question is read against.
        notes: what was said of the question already (cut to what the model reads, say).
        duplicates: the collection's near-duplicate stories: a passage one repeats is not given twice.
    """
    resolved = resolve(question, list(history))
    # The question itself was cut already; a follow-up's longer search text may need it too.
    text = resolved.text if resolved.text == question else embedder.truncate(resolved.text)[0]
    query = analyse(question, text, exclude=resolved.exclude)
    if not query.terms:
        raise QuestionError(
            f"“{question[:80]}” has no words to search for; ask about someone or something, "
            "for example “Who submitted the super-complaint?”"
        )
    vector = embedder.encode([text])[0]
    # A few more than k, so that a follow-up asking for more still has k new passages to give.
    wanted = min(k + len(query.exclude), len(data.passages))
    copies = duplicates is not None and bool(duplicates.groups)  # passages a copy repeats leave room for others
    searched_k = min(2 * wanted, len(data.passages)) if copies else wanted
    hits = search(data, vector, query, k=searched_k, articles=allowed, weights=tuning.weights)
    hits = one_per_story(hits, duplicates)[:wanted]
    verdict = judge(query, hits, evidence, searched=searched, policy=tuning.policy, quoting=tuning.quoting)
    composed = compose(
        query, hits, verdict, evidence.articles, k=k, notes=notes, how=tuning.composition, quoting=tuning.quoting
    )
    return with_also_in(composed, duplicates, evidence.articles)
