"""The file handling both Pythia generators share (generate_muons.py, generate_tau_muons.py): the settings-hash cache
and the atomic NPZ write. Imported from the scripts' own directory."""
import json, os

import numpy as np


def cached(out, settings_hash, force):
    """True (after printing the cache record on stdout) when `out` already holds a sample made with `settings_hash`
    (its `metadata` member's "settings_hash"); an unreadable or different file is regenerated."""
    if force or not os.path.exists(out):
        return False
    try:
        meta = json.loads(bytes(np.load(out)["metadata"]).decode())
    except Exception:
        return False
    if meta.get("settings_hash") != settings_hash:
        return False
    print(json.dumps({"out": out, "cached": True, "settings_hash": settings_hash}))
    return True


def write_npz_atomically(out, members):
    """`members` as an uncompressed NPZ at `out`, written to a temporary file first and renamed over `out`, so an
    interrupted run never leaves a half-written sample that looks whole."""
    tmp = out + ".tmp.npz"
    np.savez(tmp, **members)
    os.replace(tmp, out)
