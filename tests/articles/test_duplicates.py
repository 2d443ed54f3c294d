"""Near-duplicate stories: an edited copy is found, a story on the same subject is not; groups and "also in"."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from citeqa.articles import duplicates
from citeqa.articles.catalog import Catalog
from citeqa.records import Article

STORY = (
    "The harbour council voted on Monday to ban cruise ships carrying more than 500 passengers from the "
    "old port from next summer, after three years of complaints from residents about crowds and fumes.",
    "The mayor, Luis Ortega, said the vote was a victory for the people who live around the old port and "
    "had asked for years to be able to walk along their own quays without queueing behind tour groups.",
    "Local shop owners warned that the ban would cost them about two million euros a year in lost sales, "
    "and their association said it would challenge the decision in the regional court before the summer.",
    "Ships carrying more than 500 passengers will instead dock at the new terminal, five kilometres away, "
    "where the council has promised a shuttle bus every ten minutes during the cruise season.",
    "Environmental groups welcomed the vote, saying that the engines of docked ships kept running all day "
    "and that the air in the streets near the quays was among the worst measured anywhere in the region.",
    "The cruise companies said they had not been consulted and that they would review their routes for next "
    "year, adding that several other ports along the coast had already offered them berths and discounts.",
)

# The same story filed again: a typo fixed, the first paragraph split in two, readers' comments added,
# a new headline.
COPY = (
    "The harbour council voted on Monday to ban cruise ships carrying more than 500 passengers from the "
    "old port from next summer.",
    "The vote came after three years of complaints from residents about crowds and fumes.",
    *STORY[1:3],
    STORY[3].replace("five kilometres", "five kilometers"),
    *STORY[4:],
    "Good riddance, the old port was impossible to walk through in August.",
    "This will ruin the cafes on the quay, mark my words.",
)

# Another story on the subject, days later: one paragraph of background in common.
FOLLOW_UP = (
    "Shop owners in the old port took the harbour council to the regional court on Thursday, asking judges "
    "to suspend the ban on large cruise ships until a full study of its cost to local trade is made.",
    "Their lawyer told the court that the council had ignored its own economic advisers and that several "
    "businesses would close within a year if the ships no longer came into the centre of the town.",
    STORY[3],
    "The court is expected to rule before the end of next month; the council said it would respect the decision.",
)


def story(i: int, title: str, paragraphs, date=None) -> Article:
    return Article(f"s{i}", f"s{i}.txt", title, tuple(paragraphs), f"sha{i}", date=date)


ARTICLES = [
    story(1, "Harbour bans cruise ships", STORY, date=dt.date(2025, 3, 4)),
    story(2, "Cruise ships shown the door", FOLLOW_UP, date=dt.date(2025, 3, 7)),
    story(3, "Old port closes to cruise ships", COPY, date=dt.date(2025, 3, 3)),
    story(4, "Unrelated", ("A short note on the weather, which was fine all week long in the town.",)),
]


def test_an_edited_copy_is_one_story_and_a_follow_up_is_not():
    catalog = Catalog(ARTICLES)
    found = catalog.duplicates
    assert [(p.first, p.second) for p in found.pairs] == [("s1", "s3")]
    pair = found.pairs[0]
    assert pair.jaccard >= duplicates.SAME_STORY and pair.contained > 0.9
    # The earliest dated is the story; the other repeats it. Both stay in the collection.
    assert found.groups == {"s1": ("s3", "s1"), "s3": ("s3", "s1")}
    assert found.original("s1") == "s3" and found.original("s3") is None and found.original("s2") is None
    assert found.others("s3") == ("s1",) and found.others("s2") == ()


def test_a_short_version_inside_a_long_one_is_the_same_story():
    long = story(5, "Cruise ban: the full story", (*STORY, *FOLLOW_UP[:2], "More on this later."))
    short = story(6, "Cruise ban", STORY[:4])
    found = Catalog([long, short, ARTICLES[3]]).duplicates
    assert [(p.first, p.second) for p in found.pairs] == [("s5", "s6")]
    assert found.pairs[0].jaccard < duplicates.SAME_STORY <= duplicates.CONTAINED <= found.pairs[0].contained


def test_also_in_names_the_copies_that_hold_the_same_paragraph():
    catalog = Catalog(ARTICLES)
    by_id = {a.id: a for a in ARTICLES}
    found = catalog.duplicates
    # A paragraph of the original, split in two in the copy: still the same paragraph.
    assert found.also_in("s1", STORY[0], by_id) == ("Old port closes to cruise ships",)
    assert found.also_in("s1", STORY[3], by_id) == ("Old port closes to cruise ships",)  # one word spelled otherwise
    assert found.also_in("s3", COPY[-1], by_id) == ()  # a comment only the copy has
    assert found.also_in("s2", FOLLOW_UP[2], by_id) == ()  # in the original too, but no copy of it
    assert duplicates.same_passage(COPY[0], STORY[0]) and not duplicates.same_passage(FOLLOW_UP[0], STORY[0])


def test_a_changed_article_is_sketched_again_and_its_pair_follows():
    first = Catalog(ARTICLES)
    rewritten = replace(ARTICLES[2], paragraphs=("A different story altogether, about trams and buses.",), sha256="new")
    second = Catalog([*ARTICLES[:2], rewritten, ARTICLES[3]], previous=first)
    assert second.sketches[0] is first.sketches[0] and second.sketches[2] is not first.sketches[2]
    assert second.duplicates.pairs == () and second.duplicates.groups == {}
    assert duplicates.detect(ARTICLES[:1], first.sketches[:1]) == duplicates.Duplicates()
