"""The model's transformer as an ONNX file, exported once from its local weights and then reused.

ONNX Runtime runs MiniLM about 1.5 times as fast as PyTorch on a CPU, with the same vectors (to about
1e-7). Exporting needs PyTorch and takes a few seconds; it happens the first time a model is used with
a cache folder (the index folder's ``model/``), and the file is found there afterwards. The file is
named after the weights' sha256, so other weights never pick up a stale export. Nothing is downloaded.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from citeqa.errors import ModelError

log = logging.getLogger(__name__)

EXPORT = 1  # raise when the export itself changes: older files are then exported again
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_PROBE = ["Police failed victims of modern slavery, inspectors said.", "A second, longer text to check the export."]


def exported(model: Path, cache: Path | None) -> Path:
    """The ONNX file of the transformer in ``model`` (a sentence-transformers folder), exported into
    ``cache`` if it is not there yet. Without a writable cache folder it is exported into a temporary
    one, for this process only."""
    weights = _weights(model)
    name = f"{_sha256(weights)[:16]}-{EXPORT}.onnx"
    if cache is not None:
        target = cache / name
        if target.is_file():
            return target
        try:
            cache.mkdir(parents=True, exist_ok=True)
            _export(model, target)
            return target
        except OSError as exc:
            log.warning("cannot keep the exported model in %s (%s): exporting it for this run only", cache, exc)
    try:
        folder = Path(tempfile.mkdtemp(prefix="citeqa-model-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return _export(model, folder / name)
    except OSError as exc:
        raise ModelError(
            f"cannot export the model in {model} ({exc}); free some space, or set CITEQA_MODEL_CACHE to a folder "
            "that can be written"
        ) from None


def _weights(model: Path) -> Path:
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (model / name).is_file():
            return model / name
    raise ModelError(
        f"no model.safetensors or pytorch_model.bin in {model}; set CITEQA_MODEL to a complete model folder"
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _export(model: Path, target: Path) -> Path:
    """Export with PyTorch, check the result against PyTorch's own output, then move it into place."""
    import numpy as np
    import onnxruntime
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a missing file must fail here, not start a download
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    log.info("exporting the model in %s to %s (once)", model, target)
    transformers_logging.disable_progress_bar()  # its "Loading weights" bar is noise
    transformer = AutoModel.from_pretrained(str(model), local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model), local_files_only=True)

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.transformer(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    wrapper = LastHiddenState().eval()  # eval: no dropout, in the export and in the check
    probe = tokenizer(_PROBE, padding=True, return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(handle)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            expected = wrapper(*(probe[name] for name in INPUTS)).numpy()
            warnings.simplefilter("ignore")  # the tracer's notes on Python control flow: shapes here are dynamic
            torch.onnx.export(
                wrapper,
                tuple(probe[name] for name in INPUTS),
                temp,
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes={name: axes for name in [*INPUTS, "last_hidden_state"]},
                opset_version=17,
                dynamo=False,
            )
        session = onnxruntime.InferenceSession(temp, providers=["CPUExecutionProvider"])
        got = session.run(None, {name: probe[name].numpy() for name in INPUTS})[0]
        real = probe["attention_mask"].numpy().astype(bool)  # padding's outputs are never read
        difference = float(np.abs(got[real] - expected[real]).max())
        if difference > 1e-4:
            raise ModelError(
                f"the ONNX export of {model} does not reproduce the model (max difference {difference:.2g}); "
                "use a standard BERT-like model"
            )
        os.chmod(temp, 0o644)  # readable like the weights it comes from
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)
    return target
