"""Reading articles: a corpus folder, scraped text, Markdown and HTML cleaned, front matter, the
catalogue of a large collection, sentences, passages and keyword terms.

Modules: ``corpus`` (a folder read into articles, ids), ``clean`` (scraped text to paragraphs),
``markdown`` (Markdown to its words, in linear time), ``formats`` (front matter and HTML metadata),
``catalog`` (finding articles among thousands), ``sentences``, ``passages`` (what is indexed and cited),
``keywords`` (stemmed terms for BM25).
"""
