"""Citations: a quote with its source in plain, Markdown, APA and MLA styles (``cite``), and answers and
articles as escaped Markdown for the app and for exports (``render``)."""
