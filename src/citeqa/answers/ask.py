"""The path of a question: read against the conversation, searched, judged, and answered in quotes; a
question asked by person ("What did X say?") answered from the quotations (``people``).

``Engine.ask`` checks the question at the edge and calls ``answer`` with one consistent index.
"""

from __future__ import annotations

from collections.abc import Sequence

from citeqa.answers.attribution import with_speakers
from citeqa.answers.compose import compose, one_per_story, with_also_in
from citeqa.answers.conversation import resolve
from citeqa.answers.evidence import Evidence
from citeqa.answers.judge import judge
from citeqa.answers.people import answer_person, prefer, read, trusted
from citeqa.answers.query import analyse
from citeqa.answers.rerank import rerank
from citeqa.answers.search import search
from citeqa.answers.tuning import Tuning
from citeqa.articles.duplicates import Duplicates
from citeqa.errors import QuestionError
from citeqa.index.base import IndexData
from citeqa.index.embed import Embedder
from citeqa.records import NOT_FOUND, Answer, Turn


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
    asked = read(text)  # asked by person: answered from the quotations (answers/people.py)
    by_person = None
    if asked is not None:
        by_person = answer_person(
            asked,
            query,
            data=data,
            evidence=evidence,
            embedder=embedder,
            k=k,
            allowed=allowed,
            searched=searched,
            notes=notes,
            tuning=tuning,
        )
        if by_person is not None and trusted(asked) and by_person.outcome != NOT_FOUND:
            return by_person
    vector = embedder.encode([text])[0]
    # A few more than k, so that a follow-up asking for more still has k new passages to give.
    wanted = min(k + len(query.exclude), len(data.passages))
    # More than are shown, for the rules of rerank.py to choose from.
    window = max(wanted, tuning.weights.rerank)
    if duplicates is not None and duplicates.groups:  # passages a copy repeats leave room for others
        window = max(window, 2 * wanted)
    hits = search(data, vector, query, k=window, articles=allowed, weights=tuning.weights)
    # "What did May Bulman report ...": the articles whose author or outlet the question names come first.
    named = evidence.named_articles(query) & (allowed if allowed is not None else set(evidence.articles))
    if named and len(named) < (len(allowed) if allowed is not None else len(evidence.articles)):
        first = search(data, vector, query, k=window, articles=frozenset(named), weights=tuning.weights)
        hits = (first + [h for h in hits if h.passage.article_id not in named])[:window]
    hits = one_per_story(hits, duplicates)
    hits, stated = rerank(query, hits, window=window, shown=wanted, articles=evidence.articles)
    hits = hits[:wanted]
    verdict = judge(
        query, hits, evidence, searched=searched, policy=tuning.policy, quoting=tuning.quoting, stated=stated
    )
    composed = compose(
        query,
        hits,
        verdict,
        evidence.articles,
        k=k,
        notes=notes,
        how=tuning.composition,
        quoting=tuning.quoting,
        evidence=evidence,
    )
    ordinary = with_speakers(composed, data)  # a quote that is someone's quotation carries its speaker
    return with_also_in(prefer(by_person, ordinary), duplicates, evidence.articles)
