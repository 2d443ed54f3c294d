"""The model's transformer as an ONNX file, exported once from its local weights, checked at every load.

ONNX Runtime runs MiniLM about 1.5 times as fast as PyTorch on a CPU, with the same vectors (to about
1e-7). Exporting needs PyTorch and takes a few seconds; it happens the first time a model is used with
a cache folder (the index folder's ``model/``), and the file is found there afterwards. The file is
named after the sha256 of the weights and of config.json, so neither other weights nor another
configuration ever picks up a stale export. The tokenizer runs outside the graph (embed.py reads it at
every start), so it plays no part in the name.

Each export carries, in its own metadata, a few sentences' token ids and the vectors it gave for them
when it was made and checked against PyTorch. Every load runs them again: a damaged file, or another
valid ONNX file under the expected name, is found in a few milliseconds and exported again (for this
run only, in a temporary folder, when the cache cannot be written). Nothing is downloaded.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import onnxruntime

from citeqa.errors import ModelError

log = logging.getLogger(__name__)

EXPORT = 2  # raise when the export itself changes: older files are then exported again
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
CHECK = "citeqa.check"  # the metadata key of the reference token ids and vectors
TOLERANCE = 1e-4  # the same file on the same runtime gives the same vectors to about 1e-7
_PROBE = [
    "Police failed victims of modern slavery, inspectors said.",
    "A second, longer text to check the export.",
    "No.",
]
_FIX = "copy the model folder again, or set CITEQA_MODEL to a complete sentence-transformers folder"


class _Unusable(Exception):
    """An ONNX file that is not the export it is named as: damaged, or another graph."""


def export_name(model: Path) -> str:
    """The file name of the export of the transformer in ``model``: its weights' and config's digest."""
    digest = hashlib.sha256()
    digest.update(_sha256(_weights(model)).encode())
    digest.update(json.dumps(_config(model), sort_keys=True).encode())  # its values, not its layout
    return f"{digest.hexdigest()[:16]}-{EXPORT}.onnx"


def session(
    model: Path, cache: Path | None, options: onnxruntime.SessionOptions, *, dim: int
) -> onnxruntime.InferenceSession:
    """The transformer in ``model`` (a sentence-transformers folder) on ONNX Runtime, from its export in
    ``cache``, made first if it is not there, or is there but fails its check. Without a writable cache
    folder it is exported into a temporary one, for this process only.

    Raises:
        ModelError: the model cannot be read or exported; the message names the file and the fix.
    """
    name = export_name(model)
    if cache is not None:
        target = cache / name
        if target.is_file():
            try:
                return _checked(target, options, dim)
            except _Unusable as exc:
                log.warning("%s cannot be used (%s): exporting the model again", target, exc)
        try:
            cache.mkdir(parents=True, exist_ok=True)
            return _fresh(_export(model, target), options, dim)
        except OSError as exc:
            log.warning("cannot keep the exported model in %s (%s): exporting it for this run only", cache, exc)
    try:
        folder = Path(tempfile.mkdtemp(prefix="citeqa-model-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return _fresh(_export(model, folder / name), options, dim)
    except OSError as exc:
        raise ModelError(
            f"cannot export the model in {model} ({exc}); free some space, or set CITEQA_MODEL_CACHE to a folder "
            "that can be written"
        ) from None


def _fresh(path: Path, options: onnxruntime.SessionOptions, dim: int) -> onnxruntime.InferenceSession:
    """A file just exported and checked against PyTorch: if it fails its check now, the runtime is at fault."""
    try:
        return _checked(path, options, dim)
    except _Unusable as exc:
        raise ModelError(
            f"the model exported to {path} cannot be used ({exc}); reinstall onnxruntime with "
            "pip install -r requirements.txt, or set CITEQA_MODEL to a standard BERT-like model"
        ) from None


def _checked(path: Path, options: onnxruntime.SessionOptions, dim: int) -> onnxruntime.InferenceSession:
    """The file at ``path`` on ONNX Runtime, once it gives the vectors it was exported with."""
    try:
        loaded = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises kinds of its own for a file it cannot read
        raise _Unusable(f"ONNX Runtime cannot load it: {_brief(exc)}") from None
    raw = loaded.get_modelmeta().custom_metadata_map.get(CHECK)
    if raw is None:
        raise _Unusable("it carries no reference vectors, so it is not an export made by citeqa")
    try:
        check = json.loads(raw)
        feed = {name: np.array(check[name], dtype=np.int64) for name in INPUTS}
        expected = np.array(check["vectors"], dtype=np.float32)
    except (KeyError, TypeError, ValueError) as exc:
        raise _Unusable(f"its reference vectors cannot be read ({exc})") from None
    try:
        tokens = loaded.run(None, feed)[0]
    except Exception as exc:  # onnxruntime's own kinds: a graph that does not take these inputs
        raise _Unusable(f"it cannot be run: {_brief(exc)}") from None
    if np.ndim(tokens) != 3 or np.shape(tokens)[:2] != feed["input_ids"].shape:
        raise _Unusable(f"it gives an output of shape {np.shape(tokens)}, not one vector per token")
    got = pool(tokens, feed["attention_mask"])
    if got.shape != expected.shape:
        raise _Unusable(f"it gives vectors of shape {got.shape}, its reference ones are {expected.shape}")
    difference = float(np.abs(got - expected).max())
    if not difference <= TOLERANCE:  # NaN too
        raise _Unusable(f"its vectors differ from those it was exported with by up to {difference:.2g}")
    if got.shape[1] != dim:
        raise _Unusable(f"it gives vectors of {got.shape[1]} numbers where the model's config.json says {dim}")
    return loaded


def pool(tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Unit mean of each text's token vectors (padding left out), as sentence-transformers pools."""
    weights = mask[..., None].astype(np.float32)
    mean = (tokens * weights).sum(1) / np.maximum(weights.sum(1), 1.0)
    return mean / np.maximum(np.linalg.norm(mean, axis=-1, keepdims=True), 1e-12)


def _weights(model: Path) -> Path:
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (model / name).is_file():
            return model / name
    raise ModelError(
        f"no model.safetensors or pytorch_model.bin in {model}; set CITEQA_MODEL to a complete model folder"
    )


def _config(model: Path) -> dict:
    path = model / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path} ({exc}); {_FIX}") from None
    if not isinstance(config, dict):
        raise ModelError(f"{path} is not a JSON object of settings; {_FIX}")
    return config


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise ModelError(f"cannot read the model's weights in {path} ({exc}); {_FIX}") from None
    return digest.hexdigest()


def _brief(exc: BaseException) -> str:
    """A library's error as one line of reasonable length: its messages may span many."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _transformer(model: Path):
    """The model's transformer in PyTorch, its weights checked against its config.json.

    Raises:
        ModelError: damaged weights, or a config.json that does not fit them, named with the fix.
    """
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    weights = _weights(model)
    if weights.suffix == ".safetensors":
        from safetensors import SafetensorError, safe_open

        try:
            with safe_open(str(weights), framework="np") as f:  # reads the header: damage and truncation show
                f.keys()
        except (SafetensorError, OSError) as exc:
            raise ModelError(f"the model's weights in {weights} are damaged ({_brief(exc)}); {_FIX}") from None
    transformers_logging.disable_progress_bar()  # its "Loading weights" bar is noise
    verbosity = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_error()  # its table of mismatched weights: said below, in a line
    try:
        transformer, info = AutoModel.from_pretrained(
            str(model), local_files_only=True, output_loading_info=True, ignore_mismatched_sizes=True
        )
    except Exception as exc:  # transformers, torch and safetensors raise many kinds for a bad folder
        raise ModelError(
            f"cannot load the model in {model} ({_brief(exc)}); check that {model / 'config.json'} belongs with "
            f"the weights in {weights.name}, or {_FIX}"
        ) from None
    finally:
        transformers_logging.set_verbosity(verbosity)
    mismatched = sorted(info.get("mismatched_keys") or [])
    if mismatched:
        key, stored, wanted = mismatched[0]
        raise ModelError(
            f"{model / 'config.json'} does not fit the weights in {weights}: {key} is {_shape(stored)} in the "
            f"weights and {_shape(wanted)} by config.json ({len(mismatched)} weights differ); put back the "
            f"config.json that came with these weights, or {_FIX}"
        )
    missing = sorted(k for k in info.get("missing_keys") or [] if not k.startswith("pooler."))  # pooler: unused
    if missing:
        raise ModelError(
            f"{model / 'config.json'} asks for weights that {weights} does not have ({missing[0]} and "
            f"{len(missing) - 1} more); put back the config.json that came with these weights, or {_FIX}"
        )
    return transformer.eval()  # eval: no dropout, in the export and in the check


def _shape(size) -> str:
    return "×".join(str(n) for n in size)


def _probe(model: Path) -> dict[str, np.ndarray]:
    """The token ids of the check's sentences, by the model's own tokenizer."""
    from tokenizers import Tokenizer

    path = model / "tokenizer.json"
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises its own kinds
        raise ModelError(f"cannot read {path} ({_brief(exc)}); {_FIX}") from None
    tokenizer.enable_padding(pad_id=int(_config(model).get("pad_token_id") or 0))
    encodings = tokenizer.encode_batch(_PROBE)
    return {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }


def _export(model: Path, target: Path) -> Path:
    """Export with PyTorch, check the result against PyTorch's own output, record the vectors it gives
    in the file, then move it into place. OSError: ``target``'s folder cannot be written."""
    import onnx
    import torch

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a missing file must fail here, not start a download
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    log.info("exporting the model in %s to %s (once)", model, target)
    transformer = _transformer(model)
    probe = _probe(model)

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.transformer(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    wrapper = LastHiddenState().eval()
    inputs = tuple(torch.from_numpy(probe[name]) for name in INPUTS)
    axes = {0: "batch", 1: "tokens"}
    handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(handle)
    try:
        try:
            with torch.no_grad(), warnings.catch_warnings():
                expected = wrapper(*inputs).numpy()
                warnings.simplefilter("ignore")  # the tracer's notes on Python control flow: shapes here are dynamic
                torch.onnx.export(
                    wrapper,
                    inputs,
                    temp,
                    input_names=list(INPUTS),
                    output_names=["last_hidden_state"],
                    dynamic_axes={name: axes for name in [*INPUTS, "last_hidden_state"]},
                    opset_version=17,
                    dynamo=False,
                )
            got = onnxruntime.InferenceSession(temp, providers=["CPUExecutionProvider"]).run(None, probe)[0]
        except OSError:
            raise
        except Exception as exc:  # torch's exporter and onnxruntime raise many kinds for a model they cannot take
            raise ModelError(
                f"cannot export the model in {model} to ONNX ({_brief(exc)}); use a standard BERT-like model"
            ) from None
        real = probe["attention_mask"].astype(bool)  # padding's outputs are never read
        difference = float(np.abs(got[real] - expected[real]).max())
        if difference > TOLERANCE:
            raise ModelError(
                f"the ONNX export of {model} does not reproduce the model (max difference {difference:.2g}); "
                "use a standard BERT-like model"
            )
        check = {name: probe[name].tolist() for name in INPUTS}
        check["vectors"] = pool(got, probe["attention_mask"]).tolist()
        graph = onnx.load(temp)
        onnx.helper.set_model_props(graph, {CHECK: json.dumps(check)})
        onnx.save(graph, temp)
        os.chmod(temp, 0o644)  # readable like the weights it comes from
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)
    return target
