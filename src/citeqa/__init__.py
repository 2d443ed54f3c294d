"""citeqa: questions over news articles, answered in their own words with exact citations."""

from citeqa.citations.cite import STYLES, cite, format_answer, reference, source
from citeqa.config import Config
from citeqa.engine import Engine, RefreshReport
from citeqa.errors import ArticleError, BadIndexError, CiteqaError, CorpusError, ModelError, QuestionError
from citeqa.records import Answer, Article, Citation, Corpus, CorpusProblem, Hit, Passage, Turn

__all__ = [
    "STYLES",
    "Answer",
    "Article",
    "ArticleError",
    "BadIndexError",
    "Citation",
    "CiteqaError",
    "Config",
    "Corpus",
    "CorpusError",
    "CorpusProblem",
    "Engine",
    "Hit",
    "ModelError",
    "Passage",
    "QuestionError",
    "RefreshReport",
    "Turn",
    "cite",
    "format_answer",
    "reference",
    "source",
]
