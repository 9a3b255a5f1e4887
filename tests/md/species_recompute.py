"""The trajectory holds the species of every frame: recompute the MD's own observables from the file.

Runs `nanomix md` with Cl<->I swaps, then, from the positions and per-frame species written in
trajectory.h5 (read with h5py; distances with SciPy — nothing of nanomix's), recomputes in every
frame the anion short-range order α and the per-species crystallinity, and checks them against the
observables the MD computed in memory (/observables). The test can fail: species must actually
change between frames, and the species of frame 0 applied to every frame must *not* reproduce α
(the defect this test guards: species written once and read as static). MDAnalysis must still
open the file. Usage: species_recompute.py NANOMIX
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from scipy.spatial import cKDTree

NA, CL, I = 11, 17, 53
SHELL = 5.4  # [md] sro_shell_angstrom, set in the config below


def anion_sro(pos, z, shell):
    """Warren–Cowley α of the anions: 1 - (unlike pairs within shell) / (pairs · 2 c_I (1 - c_I))."""
    a = np.isin(z, (CL, I))
    p, s = pos[a], z[a]
    c_i = np.mean(s == I)
    pairs = np.array(sorted(cKDTree(p).query_pairs(shell)))
    if len(pairs) == 0:
        return np.nan
    unlike = np.sum(s[pairs[:, 0]] != s[pairs[:, 1]])
    return 1 - unlike / (len(pairs) * 2 * c_i * (1 - c_i))


def crystallinity(pos, z):
    """Fraction of ions in a rock-salt environment: >= 4 counter-ions within 1.3 × the bulk
    half-lattice (NaCl 5.64/2, NaI 6.47/2 Å, by anion), all pairwise bond angles within 20° of 90°
    or beyond 150°; Na counts as NaI when most of its counter-ions are I. Returns (NaCl, NaI)."""
    ion = np.isin(z, (NA, CL, I))
    p, s = pos[ion], z[ion]
    n = len(s)
    d_nacl, d_nai = 5.64 / 2, 6.47 / 2
    nb = [[] for _ in range(n)]
    for i, j in cKDTree(p).query_pairs(1.3 * d_nai):
        if (s[i] == NA) == (s[j] == NA):
            continue
        anion = s[j] if s[i] == NA else s[i]
        if np.linalg.norm(p[i] - p[j]) > 1.3 * (d_nai if anion == I else d_nacl):
            continue
        nb[i].append(j)
        nb[j].append(i)
    cos_right, cos_straight = np.cos(np.radians(70.0)), np.cos(np.radians(150.0))
    nacl = nai = 0
    for i in range(n):
        if len(nb[i]) < 4:
            continue
        u = p[nb[i]] - p[i]
        u /= np.linalg.norm(u, axis=1)[:, None]
        c = u @ u.T
        iu = np.triu_indices(len(nb[i]), 1)
        c = c[iu]
        if not np.all((np.abs(c) < cos_right) | (c < cos_straight)):
            continue
        phase = s[i]
        if phase == NA:
            phase = I if 2 * np.sum(s[nb[i]] == I) > len(nb[i]) else CL
        if phase == I:
            nai += 1
        else:
            nacl += 1
    return nacl / n, nai / n


nanomix = sys.argv[1]
with tempfile.TemporaryDirectory() as tmp:
    ini = os.path.join(tmp, "swap.ini")
    with open(ini, "w") as f:
        f.write(f"""[structure]
tube_n = 12
tube_m = 12
tube_length_angstrom = 50
ion_pairs = 40
seed = 11
[md]
mechanism = swap_accelerated
melt_ps = 0
temperature_kelvin = 400
frames = 6
frame_interval_ps = 0.2
swap_sweeps_per_frame = 10
swap_batches_per_frame = 2
checkpoint_every_frames = 3
sro_shell_angstrom = {SHELL}
""")
    traj = os.path.join(tmp, "t.h5")
    subprocess.run([nanomix, "md", "--config", ini, "--out", traj, "--quiet"], check=True)

    with h5py.File(traj, "r") as f:
        pos_nm = f["particles/all/position/value"][...]
        sp = f["particles/all/species"]
        assert isinstance(sp, h5py.Group), "a swap run must store species per frame (H5MD time-dependent)"
        z = sp["value"][...]
        assert z.shape == pos_nm.shape[:2], (z.shape, pos_nm.shape)
        assert np.array_equal(sp["step"][...], f["particles/all/position/step"][...])
        obs = {k: f[f"observables/{k}/value"][...] for k in ("anion_sro", "crystallinity_nacl", "crystallinity_nai")}
    pos = pos_nm * 10.0  # nm -> Å
    frames = len(z)
    assert frames == 6, frames
    changed = int(np.sum(z[-1] != z[0]))
    assert changed > 0, "no species changed: the test could not tell per-frame species from static ones"
    # Composition is conserved by swaps.
    for t in range(frames):
        assert np.sum(z[t] == I) == np.sum(z[0] == I) and np.sum(z[t] == NA) == np.sum(z[0] == NA)

    static_matches = 0
    for t in range(frames):
        a = anion_sro(pos[t], z[t], SHELL)
        assert abs(a - obs["anion_sro"][t]) < 1e-9, f"frame {t}: α from the file {a}, MD {obs['anion_sro'][t]}"
        nacl, nai = crystallinity(pos[t], z[t])
        assert abs(nacl - obs["crystallinity_nacl"][t]) < 1e-12, (t, nacl, obs["crystallinity_nacl"][t])
        assert abs(nai - obs["crystallinity_nai"][t]) < 1e-12, (t, nai, obs["crystallinity_nai"][t])
        static_matches += abs(anion_sro(pos[t], z[0], SHELL) - obs["anion_sro"][t]) < 1e-9
    assert static_matches < frames, "frame 0's species reproduce α in every frame: the check has no power"

    from MDAnalysis.coordinates.H5MD import H5MDReader
    r = H5MDReader(traj)
    assert r.n_frames == frames and r.n_atoms == z.shape[1]
    np.testing.assert_allclose(r[frames - 1].positions, pos[-1], atol=1e-3)

print(f"species per frame: {changed} anions changed species by frame {frames - 1}; α and crystallinity "
      f"recomputed from the file equal the MD's in all {frames} frames; frame 0's species match in {static_matches}")
