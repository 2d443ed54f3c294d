"""The embedded store: builds as FAISS and bm25s files in a folder, a change of a few articles written as
a delta on the last whole build (``delta``)."""
