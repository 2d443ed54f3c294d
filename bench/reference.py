"""The reference speed figures stand beside: the model's own encode, by sentence-transformers on
PyTorch, as anyone using all-MiniLM-L6-v2 would run it (citeqa runs the same model on ONNX Runtime)."""

from __future__ import annotations

import numpy as np

from citeqa.index.embed import DEFAULT_MODEL, model_path


class OwnModel:
    def __init__(self) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_path(DEFAULT_MODEL)), device="cpu", local_files_only=True)

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
