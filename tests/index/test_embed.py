"""The model on ONNX Runtime: the same vectors as sentence-transformers, spans read in their text, and
an export made once, kept, checked at every load, and made again when it is damaged. Faults of the
model folder and the cache as a user meets them are in test_model_faults.py."""

from __future__ import annotations

import json
import logging
import os
import shutil

import numpy as np
import onnxruntime
import pytest
from onnx_graphs import constant_graph

from citeqa import Config
from citeqa.errors import ModelError
from citeqa.index.embed import DEFAULT_MODEL, ModelEmbedder, model_path
from citeqa.index.onnx_export import CHECK, INPUTS, _checked, _Unusable, export_name, pool

TEXTS = [
    "Police forces in England and Wales are failing victims of modern slavery, inspectors said.",
    "Hestia runs the Modern Slavery Victim Care Contract in London.",
    "No.",
    "word " * 400,  # past the model's window
]


@pytest.mark.slow
def test_vectors_are_the_models_own(model):
    from sentence_transformers import SentenceTransformer

    own = SentenceTransformer(str(model_path(DEFAULT_MODEL)), device="cpu", local_files_only=True)
    expected = own.encode(TEXTS, normalize_embeddings=True)
    assert np.abs(model.encode(TEXTS) - expected).max() < 1e-5
    assert np.allclose(np.linalg.norm(model.encode(TEXTS), axis=1), 1.0, atol=1e-6)


@pytest.mark.slow
def test_a_span_is_read_within_its_text_and_past_the_window_on_its_own(model):
    first = "Hestia said the numbers had risen sharply."
    second = "She said it had supported 4,000 people last year."
    paragraph = f"{first} {second}"
    spans = [(0, len(first)), (len(first) + 1, len(paragraph))]
    vectors, [sentences] = model.encode_spans([paragraph], [spans])
    alone = model.encode([first, second])
    assert np.allclose(vectors[0], model.encode([paragraph])[0], atol=1e-6)  # the text's own vector
    cosines = (sentences * alone).sum(axis=1)
    # Read in the paragraph, each sentence is still itself, and no longer exactly itself alone.
    assert (cosines > 0.6).all() and (cosines < 0.999).all(), cosines
    assert (sentences @ alone.T).argmax(axis=1).tolist() == [0, 1]
    # A sentence whose end lies past the 256 word pieces the model reads is read on its own.
    long = "The report covered many forces. " * 60 + second
    end = len(long)
    _, [[late]] = model.encode_spans([long], [[(end - len(second), end)]])
    assert np.allclose(late, alone[1], atol=1e-6)


@pytest.mark.slow
def test_the_export_is_made_once_kept_and_made_again_when_damaged(tmp_path, caplog):
    cache = tmp_path / "model"
    first = ModelEmbedder(cache=cache)
    [export] = list(cache.glob("*.onnx"))
    assert export.name == export_name(model_path(DEFAULT_MODEL))
    stamp = export.stat().st_mtime_ns
    ModelEmbedder(cache=cache)
    assert export.stat().st_mtime_ns == stamp  # found, not made again
    export.write_bytes(b"not a model")
    with caplog.at_level(logging.WARNING):
        again = ModelEmbedder(cache=cache)
    assert "exporting the model again" in caplog.text
    assert np.allclose(again.encode(TEXTS[:2]), first.encode(TEXTS[:2]), atol=1e-6)
    assert list(cache.glob("*.tmp")) == []


@pytest.mark.slow
def test_an_unwritable_cache_exports_for_this_run_only(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING):
        embedder = ModelEmbedder(cache=blocked / "model")
    assert "for this run only" in caplog.text
    assert embedder.encode(["a question"]).shape == (1, 384)


def test_a_model_that_does_not_pool_by_mean_is_refused_by_name(tmp_path):
    folder = tmp_path / "cls-model"
    shutil.copytree(model_path(DEFAULT_MODEL), folder, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    pooling = folder / "1_Pooling" / "config.json"
    pooling.write_text(json.dumps({"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}))
    with pytest.raises(ModelError, match="does not pool by mean"):
        ModelEmbedder(str(folder), cache=tmp_path / "cache")


def test_the_export_folder_is_a_setting():
    assert Config.from_env({"CITEQA_MODEL_CACHE": "/srv/citeqa/model"}).model_cache.as_posix() == "/srv/citeqa/model"
    assert Config().model_cache.name == "model" and Config().model_cache.parent == Config().index.parent


def model_folder(tmp_path, *, config: dict | None = None):
    """The bundled model's files, its weights linked rather than copied, ``config`` changed."""
    source = model_path(DEFAULT_MODEL)
    folder = tmp_path / "model-folder"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    os.symlink(source / "model.safetensors", folder / "model.safetensors")
    if config:
        settings = json.loads((folder / "config.json").read_text())
        (folder / "config.json").write_text(json.dumps(settings | config))
    return folder


def test_the_export_is_named_after_the_weights_and_the_config(tmp_path):
    bundled = export_name(model_path(DEFAULT_MODEL))
    same = model_folder(tmp_path / "same")
    settings = json.loads((same / "config.json").read_text())
    (same / "config.json").write_text(json.dumps(settings, indent=4, sort_keys=True))  # its layout alone
    assert export_name(same) == bundled
    assert export_name(model_folder(tmp_path / "wider", config={"hidden_size": 768})) != bundled
    assert export_name(model_folder(tmp_path / "deeper", config={"num_hidden_layers": 8})) != bundled


def test_an_export_is_used_only_while_it_gives_the_vectors_it_was_made_with(tmp_path):
    """The check that every load runs, on tiny graphs: one that gives what its reference says is used;
    another graph carrying the same reference, one carrying none, and a damaged file are not."""
    options = onnxruntime.SessionOptions()
    feed = {"input_ids": [[101, 2000, 102, 0]], "attention_mask": [[1, 1, 1, 0]], "token_type_ids": [[0, 0, 0, 0]]}
    tokens = np.full((1, 4, 8), 0.5, np.float32)
    reference = {CHECK: json.dumps(feed | {"vectors": pool(tokens, np.array(feed["attention_mask"])).tolist()})}
    good = constant_graph(tmp_path / "good.onnx", 0.5, dim=8, metadata=reference)
    assert _checked(good, options, 8).get_outputs()[0].name == "last_hidden_state"
    with pytest.raises(_Unusable, match="vectors differ from those it was exported with by up to 0.71"):
        _checked(constant_graph(tmp_path / "other.onnx", -0.5, dim=8, metadata=reference), options, 8)
    with pytest.raises(_Unusable, match="no reference vectors"):
        _checked(constant_graph(tmp_path / "bare.onnx", 0.5, dim=8), options, 8)
    with pytest.raises(_Unusable, match="where the model's config.json says 16"):
        _checked(good, options, 16)
    damaged = tmp_path / "damaged.onnx"
    damaged.write_bytes(good.read_bytes()[:200])
    with pytest.raises(_Unusable, match="ONNX Runtime cannot load it"):
        _checked(damaged, options, 8)
    assert set(INPUTS) == set(feed)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"vocab_size": 1000}, "tokenizer.json has 30522 tokens, but the vocabulary in .*config.json has 1000"),
        ({"hidden_size": "wide"}, "config.json or .* lacks a valid setting .*'wide' is not a whole number"),
    ],
)
def test_settings_that_disagree_with_the_tokenizer_or_make_no_sense_are_named(tmp_path, change, message):
    with pytest.raises(ModelError, match=message):
        ModelEmbedder(str(model_folder(tmp_path, config=change)), cache=tmp_path / "cache")
