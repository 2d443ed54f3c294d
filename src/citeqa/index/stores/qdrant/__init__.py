"""The Qdrant store: builds as collections published under an alias (``store``), their points and
payloads (``points``), and the search of a loaded build (``search``)."""
