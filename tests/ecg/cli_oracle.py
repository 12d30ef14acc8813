"""End-to-end check of `hesplit inspect` and `hesplit prepare` on the real MIT-BIH data, with an
independent numpy decoder of format 212 and h5py as oracles. Exits 77 (skip) without the data.
Usage: cli_oracle.py HESPLIT_BINARY SOURCE_DIR SCRATCH_DIR"""
import json
import os
import subprocess
import sys

import h5py
import numpy as np

SKIP = 77


def mitdb_dir(source):
    for candidate in (os.environ.get("HESPLIT_MITDB", ""), os.path.join(source, "data", "mitdb"),
                      os.path.join(source, "..", "shared", "data", "mitdb")):
        if candidate and os.path.exists(os.path.join(candidate, "100.hea")):
            return candidate
    return None


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, check=False)


def decode_212(path):
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
    first = raw[:, 0] | ((raw[:, 1] & 0x0F) << 8)
    second = raw[:, 2] | ((raw[:, 1] & 0xF0) << 4)
    both = np.stack([first, second], axis=1)
    both[both > 2047] -= 4096
    return both  # frames x 2 signals


def check_inspect(binary, mitdb):
    result = run(binary, "inspect", os.path.join(mitdb, "100"), "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc) == ["fs", "nsig", "nsamp", "channels", "annotations"], list(doc)
    assert doc["fs"] == 360 and doc["nsig"] == 2 and doc["nsamp"] == 650000, doc
    samples = decode_212(os.path.join(mitdb, "100.dat"))
    for index, channel in enumerate(doc["channels"]):
        assert list(channel) == ["fmt", "gain", "baseline", "units", "description", "checksum",
                                 "checksum_ok", "min", "max"], list(channel)
        assert channel["fmt"] == 212 and channel["gain"] == 200 and channel["baseline"] == 1024
        assert channel["min"] == int(samples[:, index].min()), (channel, samples[:, index].min())
        assert channel["max"] == int(samples[:, index].max()), channel
        checksum = int(samples[:, index].sum()) & 0xFFFF
        checksum = checksum - 65536 if checksum > 32767 else checksum
        assert channel["checksum"] == checksum and channel["checksum_ok"] is True, channel
    assert doc["channels"][0]["description"] == "MLII"
    annotations = doc["annotations"]
    assert list(annotations) == ["count", "by_symbol"]
    assert annotations["count"] == sum(annotations["by_symbol"].values())
    assert annotations["by_symbol"]["N"] == 2239 and annotations["by_symbol"]["A"] == 33

    text = run(binary, "inspect", os.path.join(mitdb, "114"))
    assert text.returncode == 0 and "signal 1: MLII" in text.stdout, text.stdout

    missing = run(binary, "inspect", os.path.join(mitdb, "999"))
    assert missing.returncode != 0 and "hesplit: error:" in missing.stderr, missing.stderr
    assert "999.hea" in missing.stderr, missing.stderr


def check_prepare(binary, mitdb, scratch):
    out = os.path.join(scratch, "paper.h5")
    result = run(binary, "prepare", "--mitdb", mitdb, "--split", "paper", "--seed", "3",
                 "--threads", "2", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "96049 beats extracted from 43 records" in result.stdout, result.stdout
    assert "13245    13245" in result.stdout, result.stdout
    with h5py.File(out, "r") as f:
        assert f["x_train"].shape == (13245, 1, 128) and f["x_train"].dtype == np.float32
        assert f["y_test"].shape == (13245,) and f["y_test"].dtype == np.int64
        assert f["record_train"].dtype == np.int32 and f["r_peak_test"].dtype == np.int64
        # Strings are fixed-length (src/ecg/beat_dataset.cpp), which h5py returns as bytes.
        assert f.attrs["split"] == b"paper" and int(f.attrs["seed"]) == 3
        assert list(f.attrs["classes"]) == [b"N", b"L", b"R", b"A", b"V"]
        assert list(f.attrs["extracted_per_class"]) == [71732, 8036, 7231, 2491, 6559]
        assert set(np.unique(f["y_train"][()])) == {0, 1, 2, 3, 4}

    bad = run(binary, "prepare", "--mitdb", mitdb, "--split", "nope", "--out", out)
    assert bad.returncode != 0 and "nope" in bad.stderr, bad.stderr
    paper_aami = run(binary, "prepare", "--mitdb", mitdb, "--classes", "aami", "--out", out)
    assert paper_aami.returncode != 0 and "nlrav" in paper_aami.stderr, paper_aami.stderr


def main(binary, source, scratch):
    mitdb = mitdb_dir(source)
    if mitdb is None:
        print("MIT-BIH data not found: set HESPLIT_MITDB")
        return SKIP
    os.makedirs(scratch, exist_ok=True)
    check_inspect(binary, mitdb)
    check_prepare(binary, mitdb, scratch)
    print("inspect and prepare: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
