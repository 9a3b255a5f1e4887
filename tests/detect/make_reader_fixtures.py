#!/usr/bin/env python3
"""Writes movies of a known pattern in every format nanomix detect reads, with independent writers
(tifffile, h5py, NumPy byte layouts by hand), for tests/detect/test_readers.cpp.

Pattern: value(t, y, x) = (x + 2*y + 3*t) % 200 (+ 0.25 for float types), nx = 24, ny = 16, nt = 3.
Pixel size 0.5 Å and frame time 0.04 s wherever the format can carry them.
"""
import json
import struct
import sys
from pathlib import Path

import h5py
import numpy as np
import tifffile

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
NX, NY, NT = 24, 16, 3
t, y, x = np.meshgrid(np.arange(NT), np.arange(NY), np.arange(NX), indexing="ij")
base = (x + 2 * y + 3 * t) % 200  # shape (nt, ny, nx)


def pattern(dtype):
    a = base.astype(np.float64)
    if np.dtype(dtype).kind == "f":
        a = a + 0.25
    return a.astype(dtype)


# --- TIFF -------------------------------------------------------------------------------------
# ImageJ stacks (tifffile supports u8, u16, f32 for ImageJ): unit nm, resolution 20 px/nm = 0.5 Å.
for dt in ("uint8", "uint16", "float32"):
    tifffile.imwrite(out / f"imagej_{dt}.tif", pattern(dt), imagej=True, resolution=(20.0, 20.0),
                     metadata={"unit": "nm", "finterval": 0.04, "axes": "TYX"})
# Plain TIFF with resolution in centimetres: 0.5 Å = 5e-9 cm → 2e8 px/cm.
for dt in ("int8", "int16", "uint32", "int32", "float64"):
    tifffile.imwrite(out / f"plain_{dt}.tif", pattern(dt), resolution=(2e8, 2e8), resolutionunit="CENTIMETER",
                     photometric="minisblack", metadata=None)
# Tiled, big-endian, compressed variants.
tifffile.imwrite(out / "tiled_uint16.tif", pattern("uint16"), tile=(16, 16), photometric="minisblack", metadata=None)
tifffile.imwrite(out / "bigendian_int16.tif", pattern(">i2"), byteorder=">", photometric="minisblack", metadata=None)
try:
    tifffile.imwrite(out / "deflate_float32.tif", pattern("float32"), compression="zlib", photometric="minisblack",
                     metadata=None)
except Exception as e:  # no codec: the test skips that file
    print("no deflate:", e)
tifffile.imwrite(out / "bigtiff_uint16.tif", pattern("uint16"), bigtiff=True, photometric="minisblack", metadata=None)

# An ImageJ "large stack": one IFD, images=NT, frames stored back to back (written by hand).
def imagej_contiguous(path):
    data = pattern("<u2")
    desc = f"ImageJ=1.53t\nimages={NT}\nframes={NT}\nunit=nm\nfinterval=40\ntunit=ms\nloop=false\n".encode() + b"\0"
    entries = []  # (tag, type, count, value or bytes)
    header = 8
    ifd_n = 11
    ifd_size = 2 + ifd_n * 12 + 4
    desc_at = header + ifd_size
    res_at = desc_at + len(desc)
    data_at = res_at + 16
    entries = [
        (256, 4, 1, NX), (257, 4, 1, NY), (258, 3, 1, 16), (259, 3, 1, 1), (262, 3, 1, 1),
        (270, 2, len(desc), desc_at), (273, 4, 1, data_at), (278, 4, 1, NY), (279, 4, 1, NX * NY * 2),
        (282, 5, 1, res_at), (283, 5, 1, res_at + 8),
    ]
    b = bytearray(b"II*\0" + struct.pack("<I", header))
    b += struct.pack("<H", ifd_n)
    for tag, typ, count, value in entries:
        if typ == 3:
            b += struct.pack("<HHIHH", tag, typ, count, value, 0)
        else:
            b += struct.pack("<HHII", tag, typ, count, value)
    b += struct.pack("<I", 0)
    b += desc
    b += struct.pack("<II", 20, 1) * 2
    assert len(b) == data_at
    b += data.tobytes()
    path.write_bytes(bytes(b))


imagej_contiguous(out / "imagej_contiguous_uint16.tif")

# --- MRC 2014 ---------------------------------------------------------------------------------
def mrc(path, dtype, mode, endian="<", ext=b"", exttyp=b"    "):
    data = pattern(dtype).astype(np.dtype(dtype).newbyteorder(endian))
    h = bytearray(1024)
    struct.pack_into(endian + "3i", h, 0, NX, NY, NT)
    struct.pack_into(endian + "i", h, 12, mode)
    struct.pack_into(endian + "3i", h, 28, NX, NY, NT)
    struct.pack_into(endian + "3f", h, 40, NX * 0.5, NY * 0.5, NT * 1.0)
    struct.pack_into(endian + "3f", h, 52, 90, 90, 90)
    struct.pack_into(endian + "3i", h, 64, 1, 2, 3)
    struct.pack_into(endian + "i", h, 88, 0)
    struct.pack_into(endian + "i", h, 92, len(ext))
    h[104:108] = exttyp
    struct.pack_into(endian + "i", h, 108, 20140)
    h[208:212] = b"MAP "
    h[212:214] = b"\x44\x44" if endian == "<" else b"\x11\x11"
    path.write_bytes(bytes(h) + ext + data.tobytes())


mrc(out / "mode0.mrc", "int8", 0)
mrc(out / "mode1.mrc", "int16", 1)
mrc(out / "mode2.mrc", "float32", 2)
mrc(out / "mode6.mrc", "uint16", 6)
mrc(out / "mode12.mrc", "float16", 12)
mrc(out / "mode2_bigendian.mrc", "float32", 2, endian=">")
mrc(out / "mode1_fei_ext.mrc", "int16", 1, ext=bytes(range(256)) * 4, exttyp=b"FEI1")

# --- EMD 0.2 (Berkeley) -----------------------------------------------------------------------
def emd_dim(g, k, values, name, units):
    d = g.create_dataset(f"dim{k}", data=np.asarray(values, dtype=np.float64))
    d.attrs["name"] = name
    d.attrs["units"] = units


# nanomix's layout: data (nx, ny, nt), dim1 = x (nm), dim2 = y (nm), dim3 = t (s); plus a decoy group.
with h5py.File(out / "nanomix_layout.emd.h5", "w") as f:
    f.attrs["version_major"] = 0
    f.attrs["version_minor"] = 2
    for name, scale in (("intensity", 1.0), ("counts", 1.0)):
        g = f.create_group(f"data/{name}")
        g.attrs["emd_group_type"] = 1
        arr = np.transpose(pattern("float32"), (2, 1, 0)) * (1.0 if name == "counts" else -1.0)
        g.create_dataset("data", data=arr, chunks=(NX, NY, 1))
        emd_dim(g, 1, np.arange(NX) * 0.05, "x", "nm")
        emd_dim(g, 2, np.arange(NY) * 0.05, "y", "nm")
        emd_dim(g, 3, np.arange(NT) * 0.04, "t", "s")
# ncempy/HyperSpy layout: data (nt, ny, nx) uint16, units "[n_m]", no time name, contiguous.
with h5py.File(out / "ncempy_layout.emd", "w") as f:
    f.attrs["version_major"] = 0
    f.attrs["version_minor"] = 2
    g = f.create_group("data/stack")
    g.attrs["emd_group_type"] = np.int32(1)
    g.create_dataset("data", data=pattern("uint16"))
    emd_dim(g, 1, np.arange(NT), "", "")
    emd_dim(g, 2, np.arange(NY) * 0.05, "", "[n_m]")
    emd_dim(g, 3, np.arange(NX) * 0.05, "", "[n_m]")
# Velox: /Data/Image/<uuid>/Data (ny, nx, nt) and JSON metadata columns.
with h5py.File(out / "velox.emd", "w") as f:
    g = f.create_group("Data/Image/6fdbde41eecc4375b45cd86bd2be17c0")
    g.create_dataset("Data", data=np.transpose(pattern("uint16"), (1, 2, 0)))
    # Velox writes PixelSize width/height as strings in PixelUnitX/Y (ncempy's emdVelox reader).
    meta = {"BinaryResult": {"PixelSize": {"width": "5e-11", "height": "5e-11"},
                             "PixelUnitX": "m", "PixelUnitY": "m", "Detector": "BM-Ceta"},
            "Detectors": {"Detector-0": {"FrameTime": "0.04"}}}
    text = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    m = np.zeros((len(text) + 100, NT), dtype=np.uint8)
    m[: len(text), :] = text[:, None]
    g.create_dataset("Metadata", data=m)

# --- raw --------------------------------------------------------------------------------------
(out / "bigendian_u16_h64.raw").write_bytes(b"H" * 64 + pattern(">u2").tobytes())
(out / "float32.raw").write_bytes(pattern("<f4").tobytes() + b"xyz")
print("fixtures written to", out)
