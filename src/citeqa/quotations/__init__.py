"""Quotations and their speakers: who is quoted as saying what, in which paragraph, at which offsets.

``extract(article)`` returns every direct quotation (words in quotation marks) and reported statement
(the clause a verb of saying governs) of an article's body, each an exact slice of its paragraph, with the
speaker the article gives (resolved within the article: pronouns, surnames, descriptions) or None when it
does not say. Rules only (regular expressions and word lists), no model: fast enough to run on every
article at index time.
"""

from __future__ import annotations

from citeqa.quotations.extract import extract
from citeqa.records import Quotation

__all__ = ["Quotation", "extract"]
