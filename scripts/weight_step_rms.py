#!/usr/bin/python3
"""Per-batch RMS per entry of W' - W in a recorded paper session (docs/privacy.md).

Reads the `weight_step` computed records of a server view (`hesplit train --record-server-view`,
format in docs/privacy.md) and prints the median and quartiles over the batches. At the artifact's
scale 2^21 this is the CKKS noise of the refresh; at 2^40 the SGD step itself.
Usage: /usr/bin/python3 scripts/weight_step_rms.py SESSION.hsview...
"""
import struct
import sys

import numpy as np


def weight_step_rms(path):
    out = []
    with open(path, 'rb') as f:
        if f.read(8) != b'HSVIEW1\n':
            sys.exit(f'{path}: not a server view (bad magic at byte offset 0)')

        def u(fmt):
            size = struct.calcsize(fmt)
            b = f.read(size)
            if len(b) != size:
                raise EOFError
            return struct.unpack('<' + fmt, b)[0]

        def text():
            return f.read(u('I'))

        while True:
            try:
                u('B')  # origin
            except EOFError:
                break
            name = text()
            u('I'), u('I'), u('Q')  # kind, epoch, batch
            for _ in range(u('I')):
                text(), text()
            for _ in range(u('I')):
                shape = [u('q') for _ in range(u('I'))]
                data = np.frombuffer(f.read(4 * int(np.prod(shape))), dtype='<f4')
                if name == b'weight_step':
                    out.append(float(np.sqrt(np.mean(data.astype(np.float64) ** 2))))
            for _ in range(u('I')):
                text()
                f.seek(u('Q'), 1)
    return np.array(out)


for path in sys.argv[1:]:
    r = weight_step_rms(path)
    if r.size == 0:
        print(f'{path}: no weight_step records (not a paper session?)')
        continue
    q1, med, q3 = np.quantile(r, [0.25, 0.5, 0.75])
    print(f'{path}: {r.size} batches, RMS per entry of W\' - W: median {med:.3g} '
          f'[{q1:.3g}, {q3:.3g}]')
