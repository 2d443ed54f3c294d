"""The user's work: saved conversations and quote baskets (``saved``), uploads checked and written
(``uploads``), indexed in the background (``jobs``), and changes to the corpus written down so that a
killed process is finished or undone (``changes``)."""
