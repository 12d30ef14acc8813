"""Oracle for the beat dataset tests: opens a hesplit HDF5 file with h5py, prints a JSON summary
(dtypes, shapes, attributes, exact sums) and writes a copy in the reference's plain layout
(x/y arrays only, as numpy/h5py would write them) so the C++ reader can be checked against it."""
import json
import sys

import h5py
import numpy as np


def main(source, copy):
    summary = {"datasets": {}, "attrs": {}}
    with h5py.File(source, "r") as f:
        for name, item in f.items():
            data = item[()]
            summary["datasets"][name] = {
                "dtype": str(item.dtype),
                "shape": list(item.shape),
                "sum": float(np.sum(data.astype(np.float64))),
                "first": float(data.reshape(-1)[0]) if data.size else None,
                "last": float(data.reshape(-1)[-1]) if data.size else None,
            }
        for key, value in f.attrs.items():
            if isinstance(value, np.ndarray):
                value = [v.decode() if isinstance(v, bytes) else
                         (v.item() if hasattr(v, "item") else v) for v in value.tolist()]
            elif isinstance(value, bytes):
                value = value.decode()
            elif hasattr(value, "item"):
                value = value.item()
            summary["attrs"][key] = value
        with h5py.File(copy, "w") as g:
            for side in ("train", "test"):
                g["x_" + side] = f["x_" + side][()].astype(np.float32)
                g["y_" + side] = f["y_" + side][()].astype(np.int64)
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
