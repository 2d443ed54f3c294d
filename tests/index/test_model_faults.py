"""Faults of the model as a user meets them: a damaged or foreign export in the cache, a read-only cache,
damaged weights, a config.json that does not fit them. Each is found, named with its file and fix in
one line by the CLI and on the app's page, or repaired; none gives a traceback or wrong vectors."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess

import numpy as np
import pytest
from conftest import CITEQA, CORPUS, app_environment, mount_namespace, run_app
from onnx_graphs import constant_graph, metadata_of

from citeqa.index.embed import DEFAULT_MODEL, ModelEmbedder, model_path
from citeqa.index.onnx_export import export_name

pytestmark = pytest.mark.slow  # each loads the real model or exports it

TEXTS = ["Hestia runs the Modern Slavery Victim Care Contract in London.", "Who is the mayor?"]


def test_a_foreign_but_valid_onnx_file_under_the_exports_name_is_found_and_exported_again(model, tmp_path, caplog):
    """A graph with the export's inputs and output that gives the same vector for every text: loaded
    unchecked, every answer would come from constant vectors."""
    cache = tmp_path / "cache"
    cache.mkdir()
    target = cache / export_name(model_path(DEFAULT_MODEL))
    expected = model.encode(TEXTS)

    constant_graph(target, 0.5)
    with caplog.at_level(logging.WARNING):
        repaired = ModelEmbedder(cache=cache)
    assert "carries no reference vectors" in caplog.text and "exporting the model again" in caplog.text
    assert np.abs(repaired.encode(TEXTS) - expected).max() < 1e-5
    assert metadata_of(target)  # the export now in its place carries its reference vectors

    # The same, carrying the genuine export's reference vectors: the vectors it gives betray it.
    constant_graph(target, 0.5, metadata=metadata_of(target))
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        repaired = ModelEmbedder(cache=cache)
    assert "its vectors differ from those it was exported with" in caplog.text
    assert np.abs(repaired.encode(TEXTS) - expected).max() < 1e-5
    assert list(cache.iterdir()) == [target]  # nothing half-written left beside it


def test_a_damaged_export_in_a_read_only_cache_is_exported_for_this_run_only(small_corpus, tmp_path):
    cache, index = tmp_path / "cache", tmp_path / "index"
    cache.mkdir()
    damaged = cache / export_name(model_path(DEFAULT_MODEL))
    damaged.write_bytes(b"not a model")
    variables = f"CITEQA_CORPUS={small_corpus} CITEQA_INDEX={index} CITEQA_MODEL_CACHE={cache}"
    result = mount_namespace(
        f"""mount --bind -o ro {cache} {cache}
        {variables} {CITEQA} ask --json "Who is the mayor?"; echo "ask=$?" """
    )
    out = result.stdout.splitlines()
    assert out[-1] == "ask=0", result.stderr
    assert "Luis Ortega" in json.loads(out[0])["answer"]
    assert f"{damaged} cannot be used (ONNX Runtime cannot load it" in result.stderr
    assert f"cannot keep the exported model in {cache}" in result.stderr and "for this run only" in result.stderr
    assert "Traceback" not in result.stderr
    assert damaged.read_bytes() == b"not a model" and list(cache.iterdir()) == [damaged]


def damage_weights(folder):
    weights = folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[8:200] = b"x" * 192  # the header that says where each tensor is
    weights.write_bytes(bytes(data))


def truncate_weights(folder):
    weights = folder / "model.safetensors"
    with weights.open("r+b") as f:
        f.truncate(weights.stat().st_size // 2)  # a copy that stopped half way


def change_config(**changes):
    def change(folder):
        path = folder / "config.json"
        path.write_text(json.dumps(json.loads(path.read_text()) | changes))

    return change


FAULTS = {
    "damaged weights": (damage_weights, "the model's weights in {folder}/model.safetensors are damaged"),
    "truncated weights": (truncate_weights, "the model's weights in {folder}/model.safetensors are damaged"),
    "hidden size": (
        change_config(hidden_size=768),
        "{folder}/config.json does not fit the weights in {folder}/model.safetensors: "
        "embeddings.LayerNorm.bias is 384 in the weights and 768 by config.json",
    ),
    "more layers": (
        change_config(num_hidden_layers=8),
        "{folder}/config.json asks for weights that {folder}/model.safetensors does not have (encoder.layer.6.",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_model_folder_at_fault_is_named_in_one_line_by_the_cli_and_on_the_page(fault, tmp_path, monkeypatch):
    folder = tmp_path / "model"
    shutil.copytree(model_path(DEFAULT_MODEL), folder)
    spoil, message = FAULTS[fault]
    spoil(folder)
    message = message.format(folder=folder)
    env = {
        **os.environ,
        "CITEQA_CORPUS": str(CORPUS),
        "CITEQA_INDEX": str(tmp_path / "index"),
        "CITEQA_MODEL": str(folder),
        "CITEQA_MODEL_CACHE": str(tmp_path / "cache"),
    }
    result = subprocess.run([CITEQA, "ask", "Who is the mayor?"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"citeqa: {message}")
    assert line.endswith("or set CITEQA_MODEL to a complete sentence-transformers folder")
    assert not (tmp_path / "index").exists() or not any((tmp_path / "index").iterdir())  # nothing was built

    monkeypatch.setenv("CITEQA_MODEL", str(folder))
    monkeypatch.setenv("CITEQA_MODEL_CACHE", str(tmp_path / "cache"))
    with app_environment(CORPUS, tmp_path / "index"):
        at = run_app()  # it fails the test if the page shows an exception
        shown = at.error[0].value.replace("\\", "")  # the page escapes Markdown's characters
        assert shown.startswith(f"citeqa cannot start: {message}")
        assert at.button[0].label == "Try again"
