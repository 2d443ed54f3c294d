"""The index: a build of the collection's vectors and keyword weights, and the stores that keep it.

``base`` holds the interface every store implements and the records of a build; ``build`` makes a
build in memory (with the model, ``embed`` and its ONNX export ``onnx_export``, the vectors of
``vectors``, and those kept by an interrupted build in ``pending``), searched in memory by ``memory``;
``stores/folder`` keeps builds as FAISS and bm25s files in a folder, ``stores/qdrant`` in Qdrant; only
``factory`` knows both, and picks one from the settings.
"""
