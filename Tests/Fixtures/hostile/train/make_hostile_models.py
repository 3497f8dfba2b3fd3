#!/usr/bin/env python3
"""Writes the hostile saved models of this folder (model-*.safetensors) from one small valid model.

The valid model is a dense network 2 -> 3 (relu) -> 1 on columns a, b, with a standardisation and class weights, in
Neyman's format (safetensors: 8-byte little-endian header length, JSON header, F32 data; every metadata value a
string). Each hostile file changes one thing; expected.tsv says what its one-line error must contain. Run from this folder:
    python3 make_hostile_models.py
"""
import copy
import json
import math
import struct

LAYERS = [
    {"input_shape": [2], "kind": "dense", "output_shape": [3]},
    {"input_shape": [3], "kind": "relu", "output_shape": [3]},
    {"input_shape": [3], "kind": "dense", "output_shape": [1]},
]
METADATA = {
    "format": "neyman-network-1",
    "layers": LAYERS,
    "input_shape": [2],
    "feature_mean": [0.5, -0.25],
    "feature_std": [1.5, 2.0],
    "loss": "bce",
    "ratio_alpha": "0.0",
    "class_weight_a": "100.0",
    "class_weight_b": "100.0",
    "features": ["a", "b"],
}
TENSORS = {
    "0.weight": ([2, 3], [0.5, -0.25, 0.75, 1.0, 0.125, -0.5]),
    "0.bias": ([3], [0.0, 0.1, -0.1]),
    "2.weight": ([3, 1], [1.0, -1.0, 0.5]),
    "2.bias": ([1], [0.25]),
}


def write(path, metadata, tensors):
    meta = {k: (v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))) for k, v in metadata.items()}
    header, body, offset = {}, b"", 0
    for name, (shape, values) in tensors.items():
        data = b"".join(struct.pack("<f", v) for v in values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        body += data
        offset += len(data)
    header["__metadata__"] = meta
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + body)


def variant(name, change_meta=None, change_tensors=None):
    meta, tensors = copy.deepcopy(METADATA), copy.deepcopy(TENSORS)
    if change_meta:
        change_meta(meta)
    if change_tensors:
        change_tensors(tensors)
    write(f"model-{name}.safetensors", meta, tensors)


def setitem(key, value):
    def f(m):
        m[key] = value
    return f


def layer(i, key, value):
    def f(m):
        m["layers"][i][key] = value
    return f


variant("zero-std", setitem("feature_std", [1.5, 0.0]))
variant("short-std", lambda m: (m.update(feature_mean=[0.5], feature_std=[1.5])))
variant("malformed-mean", setitem("feature_mean", '[0.5, "x"]'))
variant("mean-not-json", setitem("feature_mean", "[0.5,"))
variant("unknown-loss", setitem("loss", "hinge"))
variant("inf-class-weight", setitem("class_weight_a", "inf"))
variant("hex-class-weight", setitem("class_weight_b", "0x1p3"))
variant("alpha-one", setitem("ratio_alpha", "1.0"))
variant("unknown-metadata-key", setitem("bogus", "1"))
variant("layer-unknown-key", layer(0, "activation", "relu"))
variant("unknown-layer-kind", layer(1, "kind", "swish"))
variant("fractional-size", layer(0, "output_shape", [2.5]))
variant("overflow-layer", lambda m: (layer(0, "output_shape", [9223372036854775807])(m),
                                     layer(1, "input_shape", [9223372036854775807])(m),
                                     layer(1, "output_shape", [9223372036854775807])(m),
                                     layer(2, "input_shape", [9223372036854775807])(m)))
variant("huge-layer", lambda m: (layer(0, "output_shape", [100000000000])(m), layer(1, "input_shape", [100000000000])(m),
                                 layer(1, "output_shape", [100000000000])(m), layer(2, "input_shape", [100000000000])(m)))
variant("chain-mismatch", layer(2, "input_shape", [4]),
        lambda t: t.update({"2.weight": ([4, 1], [1.0, -1.0, 0.5, 0.5])}))
variant("two-outputs", layer(2, "output_shape", [2]),
        lambda t: t.update({"2.weight": ([3, 2], [1.0] * 6), "2.bias": ([2], [0.0, 0.0])}))
variant("nan-weight", change_tensors=lambda t: t["0.weight"][1].__setitem__(4, math.nan))
variant("inf-bias", change_tensors=lambda t: t["2.bias"][1].__setitem__(0, math.inf))
variant("missing-tensor", change_tensors=lambda t: t.pop("2.bias"))
variant("extra-tensor", change_tensors=lambda t: t.update({"9.weight": ([1], [0.0])}))
variant("wrong-format", setitem("format", "keras-3"))
variant("missing-key", lambda m: m.pop("class_weight_b"))
variant("dropout-rate", lambda m: m["layers"].insert(2, {"input_shape": [3], "kind": "dropout", "output_shape": [3], "rate": 1.5}))
write("valid-model.safetensors", METADATA, TENSORS)


def raw(path, entry):
    """A file whose header holds one tensor entry as given (sizes that overflow an Int), and 8 data bytes."""
    header = {"0.weight": entry, "__metadata__": {"format": "neyman-network-1"}}
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"\0" * 8)


raw("model-header-shape-overflow.safetensors", {"dtype": "F32", "shape": [9223372036854775807, 2], "data_offsets": [0, 8]})
raw("model-header-offset-overflow.safetensors", {"dtype": "F32", "shape": [2], "data_offsets": [9223372036854775807, -5]})
raw("model-header-bytes-overflow.safetensors", {"dtype": "F64", "shape": [2305843009213693952, 2], "data_offsets": [0, 0]})
