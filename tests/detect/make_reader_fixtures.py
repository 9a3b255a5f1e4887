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
# Velox: /Data/Image/<uuid>/Data (ny, nx, nt) and JSON metadata columns, laid out as Velox 8
# writes them (ncempy's emdVelox reader, the Thermo Fisher files in ../shared/realdata): a HAADF
# scan (Scan.FrameTime 0.04 s), a BM-Ceta camera image (ExposureTime 0.25 s; Scan.FrameTime 0.66 s
# is the camera's frame period, not the exposure) and a diffraction pattern (PixelUnitX "1/m").
def velox_image(f, uuid, data, detector, index, detectors, unit="m", size="5e-11"):
    g = f.create_group("Data/Image/" + uuid)
    g.create_dataset("Data", data=data)
    meta = {"BinaryResult": {"PixelSize": {"width": size, "height": size}, "PixelUnitX": unit, "PixelUnitY": unit,
                             "Detector": detector, "DetectorIndex": str(index)},
            "Optics": {"AccelerationVoltage": "300000"},
            "Detectors": detectors}
    if detector == "HAADF":
        meta["Scan"] = {"FrameTime": "0.04"}
    else:
        meta["Scan"] = {"ScanSize": {"width": "0", "height": "0"}, "FrameTime": "0.66"}
    text = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    m = np.zeros((len(text) + 100, data.shape[2]), dtype=np.uint8)
    m[: len(text), :] = text[:, None]
    g.create_dataset("Metadata", data=m)


with h5py.File(out / "velox.emd", "w") as f:
    dets = {"Detector-0": {"DetectorName": "HAADF", "DetectorType": "ScanningDetector"},
            "Detector-1": {"DetectorName": "BM-Ceta", "DetectorType": "ImagingDetector", "ExposureTime": "0.25"}}
    velox_image(f, "6fdbde41eecc4375b45cd86bd2be17c0", np.transpose(pattern("uint16"), (1, 2, 0)), "HAADF", 0, dets)
    velox_image(f, "8a0b1c2d3e4f40718293a4b5c6d7e8f9", np.transpose(pattern("uint16") + 1000, (1, 2, 0))[:, :, :1],
                "BM-Ceta", 1, dets)
    velox_image(f, "9f8e7d6c5b4a43928170f1e2d3c4b5a6", np.transpose(pattern("uint16"), (1, 2, 0))[:, :, :1],
                "BM-Ceta", 1, dets, unit="1/m", size="114429680.2")

# --- Gatan DigitalMicrograph DM3 / DM4 ----------------------------------------------------------
# Written by hand from the format description (header numbers big-endian, values little-endian):
# an RGB thumbnail first (to be skipped), then the images with their calibrations and tags.
def dm_bytes(version, images):
    wide = version == 4
    word = (lambda v: struct.pack(">Q", v)) if wide else (lambda v: struct.pack(">I", v))

    def entry(kind, name, payload):
        n = name.encode("latin-1")
        return bytes([kind]) + struct.pack(">H", len(n)) + n + (struct.pack(">Q", len(payload)) if wide else b"") + payload

    def group(entries):
        return b"\x00\x01" + word(len(entries)) + b"".join(entries)

    def tag(name, info, value):
        return entry(21, name, b"%%%%" + word(len(info)) + b"".join(word(i) for i in info) + value)

    codes = {np.dtype("<i2"): 2, np.dtype("<i4"): 3, np.dtype("<u2"): 4, np.dtype("<u4"): 5, np.dtype("<f4"): 6,
             np.dtype("<f8"): 7, np.dtype("u1"): 10}

    def number(name, v, dtype):
        a = np.array([v], dtype=dtype)
        return tag(name, [codes[a.dtype]], a.tobytes())

    def text(name, s):
        u = np.frombuffer(s.encode("utf-16-le"), dtype="<u2")
        return tag(name, [20, 4, len(u)], u.tobytes())

    def array(name, a):
        a = np.ascontiguousarray(a)
        return tag(name, [20, codes[a.dtype], a.size], a.tobytes())

    def image(name, data, data_type, scales, units, tags):
        dims = list(reversed(data.shape))  # x fastest
        cal = [group([number("Origin", 0.0, "<f4"), number("Scale", sc, "<f4"), text("Units", un)])
               for sc, un in zip(scales, units)]
        return entry(20, "", group([
            entry(20, "ImageData", group([
                entry(20, "Calibrations", group([entry(20, "Dimension", group([entry(20, "", c) for c in cal]))])),
                array("Data", data), number("DataType", data_type, "<u4"),
                entry(20, "Dimensions", group([number("", d, "<u4") for d in dims]))])),
            entry(20, "ImageTags", group(tags)),
            text("Name", name)]))

    thumb = image("thumbnail", np.zeros((4, 4), dtype="<u4"), 23, [1, 1], ["", ""], [])
    body = group([entry(20, "ImageList", group([thumb] + [image(*im) for im in images]))])
    head = struct.pack(">I", version) + (struct.pack(">Q", len(body)) if wide else struct.pack(">I", len(body) + 4))
    return head + struct.pack(">I", 1) + body


def dm_exposure(seconds):
    return [(20, "Acquisition", [(20, "Parameters", [(20, "High Level", [("Exposure (s)", seconds)])])])]


def dm_tags(version, spec):
    # spec: nested (20, name, [children]) groups and (name, float) leaves, rendered by dm_bytes' rules.
    wide = version == 4
    word = (lambda v: struct.pack(">Q", v)) if wide else (lambda v: struct.pack(">I", v))
    out = []
    for item in spec:
        if item[0] == 20:
            inner = dm_tags(version, item[2])
            payload = b"\x00\x01" + word(len(inner)) + b"".join(inner)
            kind, name = 20, item[1]
        else:
            payload = b"%%%%" + word(1) + word(7) + struct.pack("<d", item[1])
            kind, name = 21, item[0]
        n = name.encode()
        out.append(bytes([kind]) + struct.pack(">H", len(n)) + n + (struct.pack(">Q", len(payload)) if wide else b"") + payload)
    return out


# DM3: a movie (x, y, t) int16 in nm, time axis in s (0.04 s: the frame interval wins over the
# 0.01 s exposure). DM4: a float32 image in µm with a 0.5 s exposure, then an EELS spectrum.
(out / "movie.dm3").write_bytes(dm_bytes(3, [
    ("movie", pattern("<i2"), 1, [0.05, 0.05, 0.04], ["nm", "nm", "s"], dm_tags(3, dm_exposure(0.01)))]))
spectrum = np.arange(64, dtype="<f4")
(out / "image.dm4").write_bytes(dm_bytes(4, [
    ("HRTEM", pattern("<f4")[0], 2, [5e-5, 5e-5], ["\u00b5m", "\u00b5m"], dm_tags(4, dm_exposure(0.5))),
    ("EELS", spectrum, 2, [0.1], ["eV"], [])]))

# --- TIA SER + EMI ---------------------------------------------------------------------------
# SER v0x210, 2-D elements of uint16 (type 2), calibration 5e-11 m; the EMI holds the XML block
# with a camera's exposure (DwellTimePath 0.25 s) and a display title record.
def ser_bytes(frames):
    n = len(frames)
    head = struct.pack("<HHHIIIII", 0x4949, 0x0197, 0x0210, 0x4122, 0x4152, n, n, 0)
    dims = struct.pack("<IddII", n, 0.0, 1.0, 0, 6) + b"Number" + struct.pack("<I", 0)
    elements, offsets = b"", []
    start = len(head) + 4 + len(dims)
    for f in frames:
        offsets.append(start + len(elements))
        ny, nx = f.shape
        # TIA stores image rows bottom-up (its y axis points up): the last row first.
        elements += struct.pack("<ddIddIHII", -1e-9, 5e-11, 0, -1e-9, 5e-11, 0, 2, nx, ny) + f[::-1].astype("<u2").tobytes()
    tag_at = start + len(elements)
    tags = b"".join(struct.pack("<HI", 0x4152, 1600000000) for _ in frames)
    table_at = tag_at + len(tags)
    table = struct.pack(f"<{n}I", *offsets) + struct.pack(f"<{n}I", *[tag_at + 6 * k for k in range(n)])
    head = head[:22] + struct.pack("<I", table_at)
    return head + struct.pack("<I", 1) + dims + elements + tags + table


(out / "series_1.ser").write_bytes(ser_bytes(list(pattern("uint16"))))
title = b"Test CCD Image Display"
(out / "series.emi").write_bytes(
    b"\x00" * 16 + struct.pack("<I", 20) + b"Normal Image Display" + b"\x01" * 8 + struct.pack("<I", len(title)) + title +
    b"<ObjectInfo><ExperimentalConditions><MicroscopeConditions><AcceleratingVoltage>200000</AcceleratingVoltage>"
    b"</MicroscopeConditions></ExperimentalConditions><AcquireInfo><DwellTimePath>0.250000</DwellTimePath>"
    b"<CameraNamePath>TestCam</CameraNamePath></AcquireInfo></ObjectInfo>\r\n")

# --- HyperSpy .hspy (written by HyperSpy itself) -------------------------------------------------
try:
    import hyperspy.api as hs

    sig = hs.signals.Signal2D(pattern("float32"))
    for k, (scale, unit) in enumerate([(0.04, "s"), (0.05, "nm"), (0.05, "nm")]):
        sig.axes_manager[k].scale = scale
        sig.axes_manager[k].units = unit
    sig.metadata.General.title = "stack"
    sig.save(out / "stack.hspy", overwrite=True)
    # The hand-written DM and SER/EMI files must read the same in HyperSpy's own readers.
    unit_angstrom = {"nm": 10.0, "\u00b5m": 1e4, "um": 1e4, "m": 1e10}
    for name, want in (("movie.dm3", pattern("<i2")), ("image.dm4", pattern("<f4")[0]), ("series.emi", pattern("uint16"))):
        loaded = hs.load(out / name)
        if isinstance(loaded, list):
            loaded = [x for x in loaded if x.data.dtype.names is None and x.data.ndim >= 2][0]  # not the RGB thumbnail
        assert loaded.data.shape == want.shape and np.array_equal(loaded.data, want), name
        ax = loaded.axes_manager.signal_axes[0]
        assert abs(ax.scale * unit_angstrom[ax.units] - 0.5) < 1e-5, (name, ax.scale, ax.units)
except ImportError:
    print("hyperspy not available: no .hspy fixture")

# --- raw --------------------------------------------------------------------------------------
(out / "bigendian_u16_h64.raw").write_bytes(b"H" * 64 + pattern(">u2").tobytes())
(out / "float32.raw").write_bytes(pattern("<f4").tobytes() + b"xyz")
print("fixtures written to", out)
