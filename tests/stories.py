"""One story filed twice, edited a little, and a follow-up on the same subject: texts written for the
tests of near-duplicate stories (articles, answers, the app)."""

from __future__ import annotations

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
