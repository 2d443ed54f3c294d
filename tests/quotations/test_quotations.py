"""Quotations and their speakers: a small article checked by hand, hostile text, and the gold set's figures."""

from __future__ import annotations

import importlib.util
import random
import sys

import pytest
from conftest import ROOT

from citeqa.quotations import Quotation, extract
from citeqa.records import Article

PARAGRAPHS = (
    "The harbour council has voted to ban cruise ships from the old port, its leader Jane Smith said on Monday.",
    '"We have listened to residents for years," said Ms Smith. "The fumes and the crowds are too much for a town '
    'of 4,000 people."',
    '"From next spring, no ship longer than 100 metres will dock here."',
    "Tom Baker and Ann Lee, who run the harbour's two cafes, said they would appeal against the ban. "
    '"Nobody asked the traders what they thought," they added. The so-called "cruise corridor" runs from the '
    "quay to the market.",
    "According to the port authority, 40 ships called at the harbour last year. Mr Baker's cafe doesn't open in "
    "winter.",
    '"The ships will be back within a year." The prediction was painted on a wall by the quay overnight.',
)


def article(*paragraphs: str) -> Article:
    return Article(id="a", path="a.txt", title="Harbour bans cruise ships", paragraphs=paragraphs, sha256="0")


def text_of(quote: Quotation, paragraphs: tuple[str, ...] = PARAGRAPHS) -> str:
    return paragraphs[quote.paragraph - 1][quote.start : quote.end]


@pytest.fixture(scope="module")
def found() -> dict[str, Quotation]:
    return {text_of(q): q for q in extract(article(*PARAGRAPHS))}


def test_reported_speech_with_the_speaker_after_the_verb_and_a_role_before_the_name(found):
    q = found["The harbour council has voted to ban cruise ships from the old port"]
    assert (q.paragraph, q.type, q.speaker, q.role, q.kind) == (1, "reported", "Jane Smith", "its leader", "named")


def test_a_surname_with_a_title_is_the_full_name_and_the_next_quotation_follows_it(found):
    first = found["We have listened to residents for years,"]
    second = found["The fumes and the crowds are too much for a town of 4,000 people."]
    assert (first.type, first.speaker, first.kind) == ("direct", "Jane Smith", "named")
    assert (second.speaker, second.kind) == ("Jane Smith", "named")


def test_a_paragraph_of_quotation_alone_continues_the_quotation_before_it(found):
    q = found["From next spring, no ship longer than 100 metres will dock here."]
    assert (q.paragraph, q.speaker, q.kind) == (3, "Jane Smith", "continuation")


def test_they_added_is_the_two_people_named_together(found):
    reported = found["they would appeal against the ban"]
    quote = found["Nobody asked the traders what they thought,"]
    assert (reported.speaker, reported.kind) == ("Tom Baker and Ann Lee", "named")
    assert (quote.type, quote.speaker, quote.kind) == ("direct", "Tom Baker and Ann Lee", "pronoun")


def test_according_to_names_a_body(found):
    q = found["40 ships called at the harbour last year"]
    assert (q.type, q.speaker, q.kind) == ("reported", "the port authority", "named")


def test_a_quotation_nobody_is_said_to_have_said_has_no_speaker(found):
    q = found["The ships will be back within a year."]
    assert (q.paragraph, q.type, q.speaker, q.role, q.kind) == (6, "direct", None, None, "unknown")


def test_scare_quotes_and_apostrophes_are_not_quotations(found):
    assert not any("cruise corridor" in text for text in found)
    assert not any("cafe doesn" in text or "harbour's" in text or "Baker's" in text for text in found)
    assert len(found) == 8  # the eight above, and nothing else


def test_every_span_is_an_exact_slice_without_marks_or_spaces_at_its_ends(found):
    for text, q in found.items():
        assert text == text_of(q) and text == text.strip()
        if q.type == "direct":
            assert text[0] not in '"“”' and text[-1] not in '"“”'  # the words inside the marks, not the marks


@pytest.mark.parametrize(
    "paragraphs",
    [
        (),
        ("",),
        ('"' * 5000,),
        ("“unclosed and unclosed “again " * 300 + "” stray”",),
        ("'" * 2000 + "it's 'rock 'n' roll' the 'players' " * 200,),
        ('"Hello there," he said. Mr Smith told the BBC "that" it was fine. ' * 1000,),
        ("Mr Smith said " * 3000 + "nothing.",),
        ("according to " * 5000,),
        ("word " * 100_000,),
        ("He said: \u00a4\u00a4 “x” ¤ 'y' “”\"\"''",),
    ],
    ids=["empty", "blank", "marks", "curly", "apostrophes", "long", "chain", "according", "huge", "masks"],
)
def test_hostile_text_never_raises_and_every_span_is_inside_its_paragraph(paragraphs):
    for q in extract(article(*paragraphs)):
        text = paragraphs[q.paragraph - 1]
        assert 0 <= q.start < q.end <= len(text)
        assert q.type in ("direct", "reported") and q.kind in ("named", "pronoun", "continuation", "unknown")
        assert (q.speaker is None) == (q.kind == "unknown")


def test_random_text_of_marks_and_verbs_never_raises():
    pieces = list("ab C.,;:!?'\"“”‘’-") + [" said ", " told ", " according to ", " he ", " Mr Smith ", " and "]
    rng = random.Random(7)
    for _ in range(120):
        paragraphs = tuple("".join(rng.choice(pieces) for _ in range(rng.randint(0, 300))) for _ in range(3))
        for q in extract(article(*paragraphs)):
            assert 0 <= q.start < q.end <= len(paragraphs[q.paragraph - 1])


def test_random_sentences_of_the_words_the_rules_read_never_raise():
    """Words the rules look at around a verb (appositives, demands, titles, fronted clauses), in random
    order with random punctuation: every reading ends, and every span is inside its paragraph."""
    words = (
        "Mr Smith Emily QC the president President 30-year-old his in on Tuesday said told asked to is should "
        'rejected claims that which who Saying he she they it and but Thornton Dame “quote” "word"'
    ).split()
    rng = random.Random(11)
    for _ in range(1500):
        text = " ".join(rng.choice(words) + rng.choice(("", "", ",", ".", ":")) for _ in range(rng.randint(1, 20)))
        for q in extract(article(text, text)):
            assert 0 <= q.start < q.end <= len(text)


def test_a_paragraph_of_thousands_of_quotations_keeps_each_speaker_apart():
    """ "she" never stands for "Mr Smith", however often they alternate in one long paragraph."""
    one = '"Hello there," she said. Mr Smith told the BBC that it was fine. '
    found = extract(article(one * 1500))
    direct = [q for q in found if q.type == "direct"]
    reported = [q for q in found if q.type == "reported"]
    assert len(direct) == len(reported) == 1500
    assert all(q.speaker is None for q in direct)
    assert all((q.speaker, q.kind) == ("Mr Smith", "named") for q in reported)


# ------------------------------------------------------------------------------------------- gold set


def _score_module():
    spec = importlib.util.spec_from_file_location("quotes_score", ROOT / "eval" / "quotes" / "score.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def score():
    return _score_module()


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Mr Leibovich", "Jose Leibovich", True),
        ("Dame Sara Thornton", "Sara Thornton", True),
        ("José Manuel Barroso", "Jos&#233; Manuel Barroso", True),
        ("the report", "the HMICFRS report", True),
        ("a study", "The study", True),
        ("Labour", "Labour and the Tories", False),
        ("Tom Baker and Ann Lee", "Ann Lee and Mr Baker", True),
        ("Gary Neville", "Phil Neville", False),
        ("Ben Emmerson QC", "Ben Emmerson", True),
        ("a Labour MP", "Labour", False),
        ("A Home Office spokesperson", "A Home Office spokesman", False),
        (None, "Jane Smith", False),
    ],
)
def test_same_person_rules_of_the_score(score, a, b, same):
    assert score.same_person(a, b) is same


# Figures when these floors were set: first set (50 articles) recall 0.90 (named 0.90, pronoun 0.91,
# continuation 11/13), precision 0.98 (named 0.97, pronoun 0.99); second set, development file recall 0.82
# (named 0.83, pronoun 0.78), precision 0.95 (named 0.97, pronoun 0.92), held-out file recall 0.72,
# precision 0.92; third set recall 0.82 (named 0.81, pronoun 0.85), precision 0.98 (named 0.99, pronoun
# 0.97); fourth set recall 0.80 (named 0.88, pronoun 0.76), precision 0.96 (named 0.96, pronoun 0.98).
# Floors a little below them: a regression fails. The fifth set is held out: never a floor here.
FLOORS = {
    "quotes.jsonl": {
        "recall": {"all": 0.88, "kind:named": 0.87, "kind:pronoun": 0.88, "kind:continuation": 0.8},
        "precision": {"all": 0.96, "kind:named": 0.95, "kind:pronoun": 0.97},
    },
    "quotes2-dev.jsonl": {
        "recall": {"all": 0.80, "kind:named": 0.81, "kind:pronoun": 0.75},
        "precision": {"all": 0.93, "kind:named": 0.95, "kind:pronoun": 0.90},
    },
    "quotes2-heldout.jsonl": {
        "recall": {"all": 0.70},
        "precision": {"all": 0.90},
    },
    "quotes3-heldout.jsonl": {
        "recall": {"all": 0.80, "kind:named": 0.79, "kind:pronoun": 0.83},
        "precision": {"all": 0.96, "kind:named": 0.97, "kind:pronoun": 0.95},
    },
    "quotes4-heldout.jsonl": {
        "recall": {"all": 0.78, "kind:named": 0.86, "kind:pronoun": 0.73},
        "precision": {"all": 0.94, "kind:named": 0.94, "kind:pronoun": 0.95},
    },
}


@pytest.mark.parametrize("gold", list(FLOORS))
def test_gold_set_figures_stay_above_the_floor(score, gold):
    cache: dict = {}
    golds, _ = score.read_gold(ROOT / "eval" / "quotes" / gold, "all", cache)
    names = sorted({g.article for g in golds})
    predictions = {name: extract(score.load_article(name, cache)) for name in names}
    figures = score.score(golds, predictions, names)
    for measure, floors in FLOORS[gold].items():
        for key, floor in floors.items():
            assert figures[measure][key]["value"] >= floor, (measure, key, figures[measure][key])
