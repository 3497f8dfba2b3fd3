#!/usr/bin/env python3
"""Writes the seed corpora of the binary readers (fuzz/corpus/{npy,npz,safetensors}) with numpy.

The seeds are the array kinds the tests use (Tests/NeymanCoreTests/NPYTests.swift, NPZTests.swift,
Tests/NeymanNNTests/SavingTests.swift): every supported dtype, 1-D and 2-D, empty arrays, format versions 1.0, 2.0
and 3.0, stored and deflated archives, F32 and F64 safetensors with metadata; plus a few the readers must reject
(big-endian, Fortran order, 3-D, complex). Run once from fuzz/ (numpy needed); the outputs are committed.
"""
import io, json, os, struct, zipfile
import numpy as np

def save(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

def npy(a, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, a)
    else:
        np.lib.format.write_array(buf, a, version=version)
    return buf.getvalue()

arrays = {
    "f8_vec": np.array([1.5, -2.25, 1e-3]),
    "f4_vec": np.array([1.5, -2.25, 1e-3], dtype="<f4"),
    "i8_vec": np.array([-5, 1 << 40, -(1 << 63)], dtype="<i8"),
    "i4_mat": np.arange(6, dtype="<i4").reshape(2, 3),
    "i2_vec": np.array([-300, 300], dtype="<i2"),
    "i1_vec": np.array([-1, 5], dtype="i1"),
    "u8_vec": np.array([0, (1 << 64) - 1], dtype="<u8"),
    "u4_vec": np.array([4294967295], dtype="<u4"),
    "u2_vec": np.array([65535, 1], dtype="<u2"),
    "u1_vec": np.array([0, 7, 255], dtype="u1"),
    "b1_vec": np.array([True, False, True, True]),
    "f8_mat": np.array([[0.0, np.nan, np.inf], [-np.inf, -0.0, 5e-324]]),
    "f8_empty": np.zeros(0),
    "f8_empty_mat": np.zeros((0, 3)),
    "f8_col": np.ones((4, 1)),
    # rejected by the reader: each exercises an error path
    "f8_bigendian": np.array([1.0, 2.0], dtype=">f8"),
    "f8_fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    "f8_3d": np.zeros((1, 2, 2)),
    "c16_vec": np.array([1 + 2j]),
    "f8_scalar": np.array(3.0),
}
for name, a in arrays.items():
    save(f"corpus/npy/{name}.npy", npy(a))
save("corpus/npy/f8_v2.npy", npy(np.array([42.0, -1.0]), version=(2, 0)))
save("corpus/npy/f8_v3.npy", npy(np.array([7.0]), version=(3, 0)))
# Hand-written headers: other key order, double quotes, no trailing comma; a Python 2 long; a 16-byte aligned header.
def handmade(dict_text, data, major=1, align=64):
    body = dict_text.encode("latin-1")
    prefix = 10 if major == 1 else 12
    while (prefix + len(body) + 1) % align:
        body += b" "
    body += b"\n"
    length = struct.pack("<H", len(body)) if major == 1 else struct.pack("<I", len(body))
    return b"\x93NUMPY" + bytes([major, 0]) + length + body + data
save("corpus/npy/reordered.npy",
     handmade('{"shape": (1,), "fortran_order": False, "descr": "<f8"}', struct.pack("<d", -1.0)))
save("corpus/npy/long_shape.npy",
     handmade("{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 1L), }", struct.pack("<2d", 1.0, 2.0)))
save("corpus/npy/align16.npy",
     handmade("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", struct.pack("<q", 42), align=16))

# NPZ: stored and deflated, several members, a non-.npy member, a directory.
def npz(members, compressed):
    buf = io.BytesIO()
    kw = {"compression": zipfile.ZIP_DEFLATED} if compressed else {"compression": zipfile.ZIP_STORED}
    with zipfile.ZipFile(buf, "w", **kw) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()
buf = io.BytesIO(); np.savez(buf, pt=np.array([41.2, 17.9]), eta=np.array([[-0.31], [1.87]]))
save("corpus/npz/savez.npz", buf.getvalue())
buf = io.BytesIO(); np.savez_compressed(buf, x=np.arange(5, dtype="<i4"), w=np.ones(5, dtype="<f4"))
save("corpus/npz/savez_compressed.npz", buf.getvalue())
buf = io.BytesIO(); np.savez(buf, empty=np.zeros(0))
save("corpus/npz/empty_member.npz", buf.getvalue())
save("corpus/npz/readme_and_dir.npz",
     npz([("README.txt", b"not an array"), ("sub/", b""), ("a.npy", npy(np.array([1.0])))], False))
save("corpus/npz/duplicate.npz", npz([("a.npy", npy(np.array([1.0]))), ("a.npy", npy(np.array([2.0])))], False))
save("corpus/npz/bad_member.npz", npz([("a.npy", b"\x93NUMPY\x01\x00garbage")], True))
save("corpus/npz/empty_archive.npz", npz([], False))

# safetensors: as SafeTensors.encode writes them (sorted keys, space padding to 8 bytes), and F64.
def safetensors(tensors, metadata=None, dtype="F32"):
    header, blobs, offset = {}, [], 0
    for name, a in tensors:
        a = np.asarray(a, dtype="<f4" if dtype == "F32" else "<f8")
        raw = a.tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    while (8 + len(text)) % 8:
        text += b" "
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)
save("corpus/safetensors/dense.safetensors",
     safetensors([("0.weight", np.arange(6.0).reshape(2, 3)), ("0.bias", [0.5, -0.5])],
                 {"neyman.architecture": "dense", "neyman.layers": "[3,2]"}))
save("corpus/safetensors/f64.safetensors", safetensors([("w", [[1.0, 2.0], [3.0, 4.0]])], dtype="F64"))
save("corpus/safetensors/empty.safetensors", safetensors([]))
save("corpus/safetensors/scalar_and_zero.safetensors", safetensors([("s", np.float32(2.5)), ("z", np.zeros((0, 4)))]))
save("corpus/safetensors/i32.safetensors",
     struct.pack("<Q", 64) + b'{"x":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}'.ljust(64) + b"\0\0\0\0")
