"""How citeqa introduces a quotation after its speaker's name: "said:", "told The Independent:", "said that".

The article's own verb is kept where it is a plain verb of saying (in the past tense: a copy is written
after the fact); any other ("found", "according to", "called for", "expressed") becomes "said". A direct
quotation follows a colon; reported speech follows "that", since its words are the article's account of
what was said, not the speaker's own.
"""

from __future__ import annotations

import re

from citeqa.records import Quotation

# Plain verbs of saying, every form the article may use, and the past tense a copy gives.
_PAST = {
    form: past
    for past, forms in {
        "said": "say says said saying",
        "told": "tell tells told telling",
        "added": "add adds added adding",
        "warned": "warn warns warned warning",
        "explained": "explain explains explained explaining",
        "insisted": "insist insists insisted insisting",
        "admitted": "admit admits admitted admitting",
        "argued": "argue argues argued arguing",
        "claimed": "claim claims claimed claiming",
        "stressed": "stress stresses stressed stressing",
        "replied": "reply replies replied replying",
        "asked": "ask asks asked asking",
        "wrote": "write writes wrote writing",
        "stated": "state states stated stating",
        "noted": "note notes noted noting",
        "continued": "continue continues continued continuing",
        "commented": "comment comments commented commenting",
        "conceded": "concede concedes conceded conceding",
        "confirmed": "confirm confirms confirmed confirming",
        "suggested": "suggest suggests suggested suggesting",
        "predicted": "predict predicts predicted predicting",
        "declared": "declare declares declared declaring",
        "responded": "respond responds responded responding",
    }.items()
    for form in forms.split()
}
_PRONOUN_HEARER = re.compile(r"^(?:him|her|them|us|me|it)$", re.IGNORECASE)


def said(quotation: Quotation) -> str:
    """The words between the speaker and the quote in a copy: "told The Independent:", "said that"."""
    verb, _, hearer = quotation.verb.partition(" ")
    past = _PAST.get(verb.lower(), "said")
    if past == "told":
        # "told The Independent" names whom it was said to; "told him" names no one a reader knows.
        past = f"told {hearer}" if hearer and not _PRONOUN_HEARER.match(hearer) else "said"
    if quotation.type == "direct":
        return f"{past}:"
    return "said that" if past == "asked" else f"{past} that"
