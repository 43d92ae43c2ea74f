#!/usr/bin/python3
"""High-precision inverse geodesic (s12 and S12) for the accuracy test of rankwise's edge solver.

Writes tests/unit/data/geodesic_reference_wgs84.txt, read by
tests/unit/polygons_geodesic_accuracy_test.cpp:

    /usr/bin/python3 tests/support/geodesic_reference.py > tests/unit/data/geodesic_reference_wgs84.txt

Needs Debian's python3-mpmath and python3-geographiclib (GeographicLib only supplies the
starting azimuth and a sanity check; the reference values are computed here to ~35 digits).

Method (Karney 2013, "Algorithms for geodesics", J. Geodesy 87:43-55): the problem is put in
canonical form (lat1 <= 0, |lat2| <= |lat1|, 0 <= lon12 <= 180) as GeographicLib does and
solved on the auxiliary sphere with mpmath at 36 digits. The three integrals, of
sqrt(1 + k^2 sin^2 s) (distance), (2 - f) / (1 + (1 - f) sqrt(1 + k^2 sin^2 s)) (longitude)
and the area kernel (t(e'^2) - t(k^2 sin^2 s)) / (e'^2 - k^2 sin^2 s) sin(s) / 2, are
evaluated from their exact Fourier series: the coefficients are taken from 32 samples per
period (the trapezoid rule is exact to aliasing, and the l-th coefficient is O((k^2/4)^l), so
aliasing and truncation at 15 harmonics are below 1e-40 for k^2 <= e'^2). alpha1 is found by
Newton's method from GeographicLib's azimuth until lambda12 matches to 1e-33. The area is
S12 = c^2 (alpha2 - alpha1) + e^2 a^2 cos(alpha0) sin(alpha0) (I4(sigma2) - I4(sigma1)),
the same quantity GeographicLib's GenInverse returns (including its conventions on meridians
and at the poles). `--check` compares the series integrals with mpmath.quad on random cases.

Edges: one seeded random generator per class, mirroring the classes of
tests/unit/polygons_geodesic_edge_test.cpp plus "long 45-120" (the arcs where the fast solver
used to lose accuracy). Inputs are written as the shortest decimal that round-trips the
double, references with 22 significant digits.
"""
import math
import random
import sys

import mpmath as mp
from mpmath import mpf

mp.mp.dps = 36

NSAMPLE = 32  # samples per period (pi) of the integrands
NHARM = 15    # harmonics kept


class Ellipsoid:
    def __init__(self, a, f):
        self.a = mpf(a)  # the doubles GeographicLib is given, exactly
        self.f = mpf(f)
        self.f1 = 1 - self.f
        self.e2 = self.f * (2 - self.f)
        self.ep2 = self.e2 / self.f1 ** 2
        self.b = self.a * self.f1
        e = mp.sqrt(self.e2)
        self.c2 = (self.a ** 2 + self.b ** 2 * (mp.atanh(e) / e if e > 0 else 1)) / 2
        # area kernel g(x) = (t(y) - t(x)) / (y - x) as a power series in x, y = e'^2:
        # t(x) = x + sqrt(1 + x) asinh(sqrt x) / sqrt x = sum tau_m x^m
        nt = 60
        asr = [(-1) ** m * mp.binomial(2 * m, m) / mpf(4) ** m / (2 * m + 1) for m in range(nt)]
        sq = [mp.binomial(mpf(1) / 2, m) for m in range(nt)]
        tau = [mp.fsum(sq[i] * asr[m - i] for i in range(m + 1)) for m in range(nt)]
        tau[1] += 1
        y = self.ep2
        self.g = [mp.fsum(tau[m] * y ** (m - 1 - j) for m in range(j + 1, nt)) for j in range(nt - 1)]
        self.t_samples = [mp.pi * j / NSAMPLE for j in range(NSAMPLE)]
        self.sin2 = [mp.sin(t) ** 2 for t in self.t_samples]
        self.costab = [[mp.cos(2 * l * t) for t in self.t_samples] for l in range(NHARM + 1)]

    def fourier(self, values):
        """Coefficients A_l of sum_l A_l cos(2 l s) from samples at s_j = j pi / N."""
        n = mpf(NSAMPLE)
        out = [mp.fsum(values) / n]
        for l in range(1, NHARM + 1):
            row = self.costab[l]
            out.append(2 * mp.fsum(v * c for v, c in zip(values, row)) / n)
        return out

    def kernel(self, x):
        return mp.polyval(self.g[::-1], x)


def even_integral(coef, sig):
    """int_0^sig sum_l A_l cos(2 l s) ds."""
    return coef[0] * sig + mp.fsum(coef[l] * mp.sin(2 * l * sig) / (2 * l) for l in range(1, len(coef)))


def area_integral(coef, sig):
    """I4(sig) = -int_{pi/2}^{sig} g(k^2 sin^2 s) sin(s) / 2 ds, g = sum_l G_l cos(2 l s)."""
    p = -coef[0] * mp.cos(sig)
    for l in range(1, len(coef)):
        p += coef[l] / 2 * (mp.cos((2 * l - 1) * sig) / (2 * l - 1) - mp.cos((2 * l + 1) * sig) / (2 * l + 1))
    return -p / 2


class Canon:
    """The canonical problem: beta1 <= 0, |beta2| <= |beta1|, 0 <= lambda12 <= pi."""

    def __init__(self, E, lat1, lat2, lon12):
        self.E = E

        def reduced(lat):
            if abs(lat) == 90:
                return (mpf(1) if lat > 0 else mpf(-1)), mpf(0)
            phi = mp.radians(mpf(lat))
            sb, cb = E.f1 * mp.sin(phi), mp.cos(phi)
            r = mp.hypot(sb, cb)
            return sb / r, cb / r

        self.sbet1, self.cbet1 = reduced(lat1)
        self.sbet2, self.cbet2 = reduced(lat2)
        self.lam = mp.radians(lon12)
        self.slam, self.clam = mp.sin(self.lam), mp.cos(self.lam)
        if lon12 == 180:
            self.slam = mpf(0)

    def geometry(self, salp1, calp1):
        c = self
        E = c.E
        salp0 = salp1 * c.cbet1
        calp0 = mp.hypot(calp1, salp1 * c.sbet1)
        if c.cbet2 != c.cbet1:
            salp2 = salp0 / c.cbet2
            calp2 = mp.sqrt((calp1 * c.cbet1) ** 2 + (c.cbet2 ** 2 - c.cbet1 ** 2)) / c.cbet2
        else:
            salp2 = salp1
            calp2 = abs(calp1) if abs(c.sbet2) == -c.sbet1 else mp.sqrt((calp1 * c.cbet1) ** 2) / c.cbet2
        return salp0, calp0, salp2, calp2

    def sigmas(self, salp1, calp1, salp2, calp2):
        c = self
        sig1 = mp.atan2(c.sbet1, calp1 * c.cbet1)
        sig2 = mp.atan2(c.sbet2, calp2 * c.cbet2)
        return sig1, sig2

    def samples(self, k2):
        return [k2 * s for s in self.E.sin2]

    def residual(self, alp1, want_slope=True):
        """lambda12(alpha1) - lambda12 and its derivative."""
        c = self
        E = c.E
        salp1, calp1 = mp.sin(alp1), mp.cos(alp1)
        salp0, calp0, salp2, calp2 = c.geometry(salp1, calp1)
        somg1, comg1 = salp0 * c.sbet1, calp1 * c.cbet1
        somg2, comg2 = salp0 * c.sbet2, calp2 * c.cbet2
        somg12 = comg1 * somg2 - somg1 * comg2
        comg12 = comg1 * comg2 + somg1 * somg2
        eta = mp.atan2(somg12 * c.clam - comg12 * c.slam, comg12 * c.clam + somg12 * c.slam)
        k2 = E.ep2 * calp0 ** 2
        xs = c.samples(k2)
        dn = [mp.sqrt(1 + x) for x in xs]
        i3 = E.fourier([(2 - E.f) / (1 + E.f1 * d) for d in dn])
        sig1, sig2 = c.sigmas(salp1, calp1, salp2, calp2)
        v = eta - E.f * salp0 * (even_integral(i3, sig2) - even_integral(i3, sig1))
        if not want_slope:
            return v, None
        j = E.fourier([d - 1 / d for d in dn])
        j12 = even_integral(j, sig2) - even_integral(j, sig1)
        ss1, cs1, ss2, cs2 = mp.sin(sig1), mp.cos(sig1), mp.sin(sig2), mp.cos(sig2)
        dn1, dn2 = mp.sqrt(1 + k2 * ss1 ** 2), mp.sqrt(1 + k2 * ss2 ** 2)
        m12b = dn2 * cs1 * ss2 - dn1 * ss1 * cs2 - cs1 * cs2 * j12
        if calp2 == 0:
            return v, -2 * E.f1 * dn1 / c.sbet1
        return v, E.f1 * m12b / (calp2 * c.cbet2)

    def solve_alpha(self, alp_start):
        alp = mpf(alp_start)
        tol = mpf(10) ** -33
        for _ in range(12):
            v, dv = self.residual(alp)
            if abs(v) < tol:
                return alp
            step = -v / dv
            if not abs(step) < 1e-3:
                break
            alp += step
        # bracketed fallback (Illinois), lambda12 increases with alpha1
        lo, hi = alp - mpf(10) ** -12, alp + mpf(10) ** -12
        flo, fhi = self.residual(lo, False)[0], self.residual(hi, False)[0]
        d = mpf(10) ** -12
        while not (flo < 0 < fhi):
            d *= 4
            lo, hi = max(mpf(0), alp - d), min(mp.pi, alp + d)
            flo, fhi = self.residual(lo, False)[0], self.residual(hi, False)[0]
            if d > 4:
                raise RuntimeError("no bracket")
        side = 0
        for _ in range(400):
            x = hi - fhi * (hi - lo) / (fhi - flo)
            fx = self.residual(x, False)[0]
            if abs(fx) < tol or hi - lo < tol:
                return x
            if fx > 0:
                hi, fhi = x, fx
                if side == 1:
                    flo /= 2
                side = 1
            else:
                lo, flo = x, fx
                if side == -1:
                    fhi /= 2
                side = -1
        raise RuntimeError("no convergence")

    def finish(self, salp1, calp1, salp2=None, calp2=None):
        """s12 and S12 (canonical) for the line leaving point 1 at (salp1, calp1)."""
        c = self
        E = c.E
        salp0, calp0, s2, c2 = c.geometry(salp1, calp1)
        if salp2 is None:
            salp2, calp2 = s2, c2
        sig1, sig2 = c.sigmas(salp1, calp1, salp2, calp2)
        k2 = E.ep2 * calp0 ** 2
        xs = c.samples(k2)
        i1 = E.fourier([mp.sqrt(1 + x) for x in xs])
        s12 = E.b * (even_integral(i1, sig2) - even_integral(i1, sig1))
        S12 = mpf(0)
        if salp0 != 0 and calp0 != 0:
            i4 = E.fourier([E.kernel(x) for x in xs])
            S12 = E.e2 * E.a ** 2 * calp0 * salp0 * (area_integral(i4, sig2) - area_integral(i4, sig1))
        salp12 = salp2 * calp1 - calp2 * salp1
        calp12 = calp2 * calp1 + salp2 * salp1
        if abs(salp12) < mpf(10) ** -30 and calp12 < 0:  # GeographicLib's rule for alp12 = +-180
            alp12 = mp.pi if calp1 > 0 else -mp.pi
        else:
            alp12 = mp.atan2(salp12, calp12)
        return s12, S12 + E.c2 * alp12


def inverse(E, geod, lat1, lon1, lat2, lon2):
    """(s12, S12) to ~35 digits, and GeographicLib's (python) answer for comparison."""
    lon12 = mpf(lon2) - mpf(lon1)
    while lon12 > 180:
        lon12 -= 360
    while lon12 < -180:
        lon12 += 360
    if lon12 == -180:
        lon12 = mpf(180)
    lonsign = -1 if lon12 < 0 else 1
    lon12 = abs(lon12)
    if abs(lat1) < abs(lat2):
        lat1, lat2 = lat2, lat1
    latsign = 1 if lat1 < 0 else -1
    lat1, lat2 = lat1 * latsign, lat2 * latsign
    c = Canon(E, lat1, lat2, lon12)
    g = geod.Inverse(lat1, 0.0, lat2, float(lon12), geod.DISTANCE | geod.AREA | geod.AZIMUTH)
    s12 = S12 = None
    if lat1 == -90 or c.slam == 0:  # meridional, as GeographicLib: alpha1 = lambda12, alpha2 = 0
        s12, S12 = c.finish(c.slam, c.clam, mpf(0), mpf(1))
        if abs(s12 - g["s12"]) > 1e-6 * (1 + g["s12"]):  # over the pole is not the shortest
            s12 = None
    if s12 is None and lat1 == 0 and lat2 == 0 and lon12 <= 180 * E.f1:  # equatorial
        s12, S12 = E.a * c.lam, mpf(0)
    if s12 is None:
        alp1 = c.solve_alpha(mp.radians(mpf(g["azi1"])))
        s12, S12 = c.finish(mp.sin(alp1), mp.cos(alp1))
    return s12, S12 * lonsign * latsign, g


# ---- edge classes (as tests/unit/polygons_geodesic_edge_test.cpp) -------------------------

def ref_lat(r):
    return math.asin(r.uniform(-1, 1)) / math.pi * 180


def fold_lat(lat):
    if lat > 90:
        return 180 - lat
    if lat < -90:
        return -180 - lat
    return lat


def offset_edge(r, deg):
    lat1 = ref_lat(r)
    lon1 = r.uniform(-180, 180)
    az = r.uniform(0, 2 * math.pi)
    lat2 = fold_lat(lat1 + deg * math.cos(az))
    coslat = max(math.cos(lat1 * math.pi / 180), 1e-3)
    lon2 = lon1 + min(max(deg * math.sin(az) / coslat, -179.0), 179.0)
    if lon2 > 180:
        lon2 -= 360
    if lon2 < -180:
        lon2 += 360
    return lat1, lon1, lat2, lon2


def log_uniform(r, lo, hi):
    return math.exp(r.uniform(math.log(lo), math.log(hi)))


def nearly_antipodal(r):
    lat1 = ref_lat(r)
    lon1 = r.uniform(-180, 180)
    lat2 = min(max(-lat1 + r.uniform(-1, 1), -90.0), 90.0)
    return lat1, lon1, lat2, lon1 + 180 - r.uniform(0, 2)


def near_poles(r):
    sign = -1 if r.uniform(0, 1) < 0.5 else 1
    u = r.uniform(0, 1)
    lat1 = sign * 90.0 if u < 0.25 else sign * r.uniform(89.9, 90)
    lat2 = sign * r.uniform(89.9, 90)
    return lat1, r.uniform(-180, 180), lat2, r.uniform(-180, 180)


def meridional(r):
    lon = r.uniform(-180, 180)
    lon2 = lon if r.uniform(0, 1) < 0.5 else lon + 180
    return ref_lat(r), lon, ref_lat(r), lon2


def antimeridian(r):
    lat1 = ref_lat(r)
    lat2 = fold_lat(lat1 + r.uniform(-0.5, 0.5))
    d = log_uniform(r, 1e-7, 1)
    return lat1, 180 - d * r.uniform(0, 1), lat2, -180 + d * r.uniform(0, 1)


def wrapped(r):
    lat1, lon1, lat2, lon2 = offset_edge(r, log_uniform(r, 1e-5, 20))
    s1 = 360 * math.floor(r.uniform(-1, 2))
    s2 = 360 * math.floor(r.uniform(-1, 2))
    if abs(lon1 + s1) <= 540:
        lon1 += s1
    if abs(lon2 + s2) <= 540:
        lon2 += s2
    return lat1, lon1, lat2, lon2


def equator(r):
    # |lon12| <= 179: beyond (1 - f) 180 the shortest line leaves the equator, to the north or
    # the south (the two have opposite S12), and the canonical form cannot tell which one
    # GeographicLib takes.
    lon1 = r.uniform(-180, 180)
    lon2 = lon1 + r.uniform(-179, 179)
    return 0.0, lon1, 0.0, lon2 - 360 if lon2 > 180 else lon2 + 360 if lon2 < -180 else lon2


def identical(r):
    lat, lon = ref_lat(r), r.uniform(-180, 180)
    return lat, lon, lat, lon


def same_abs_lat(r):
    lat = ref_lat(r)
    sign = -1 if r.uniform(0, 1) < 0.5 else 1
    lon1 = r.uniform(-180, 180)
    return lat, lon1, sign * lat, lon1 + log_uniform(r, 1e-6, 179)


# name (no spaces), edges, generator
CLASSES = [
    ("very_short", 1000, lambda r: offset_edge(r, log_uniform(r, 1e-7, 1e-3))),
    ("short", 1000, lambda r: offset_edge(r, log_uniform(r, 1e-3, 2))),
    ("medium", 1000, lambda r: offset_edge(r, r.uniform(2, 30))),
    ("long", 1500, lambda r: offset_edge(r, r.uniform(30, 179))),
    ("long_45_120", 2000, lambda r: offset_edge(r, r.uniform(45, 120))),
    ("nearly_antipodal", 1000, nearly_antipodal),
    ("near_poles", 1000, near_poles),
    ("equator", 400, equator),
    ("meridional", 1000, meridional),
    ("antimeridian", 1000, antimeridian),
    ("wrapped_lon", 1000, wrapped),
    ("identical", 50, identical),
    ("lat1_eq_pm_lat2", 1000, same_abs_lat),
]


def check(E, n=20):
    """Series integrals against mpmath.quad (adaptive Gauss-Legendre)."""
    r = random.Random(5)
    worst = 0
    for _ in range(n):
        k2 = E.ep2 * mpf(r.uniform(0, 1))
        s1, s2 = mpf(r.uniform(-3, 0)), mpf(r.uniform(0, 3))
        xs = [k2 * s for s in E.sin2]
        i1 = E.fourier([mp.sqrt(1 + x) for x in xs])
        i4 = E.fourier([E.kernel(x) for x in xs])
        q1 = mp.quad(lambda s: mp.sqrt(1 + k2 * mp.sin(s) ** 2), [s1, 0, s2])
        t = lambda x: x + mp.sqrt(1 / x + 1) * mp.asinh(mp.sqrt(x))
        ty = t(E.ep2)
        q4 = -mp.quad(lambda s: (ty - t(k2 * mp.sin(s) ** 2)) / (E.ep2 - k2 * mp.sin(s) ** 2) * mp.sin(s) / 2,
                      [s1, 0, s2])
        d1 = abs(even_integral(i1, s2) - even_integral(i1, s1) - q1)
        d4 = abs(area_integral(i4, s2) - area_integral(i4, s1) - q4)
        worst = max(worst, d1, d4)
    print("worst |series - quad| over %d cases: %s" % (n, mp.nstr(worst, 3)), file=sys.stderr)
    return worst < mpf(10) ** -33


def main():
    from geographiclib.geodesic import Geodesic

    a, f = 6378137.0, 1 / 298.257223563
    E = Ellipsoid(a, f)
    if "--check" in sys.argv:
        sys.exit(0 if check(E) else 1)
    only = [s for s in sys.argv[1:] if not s.startswith("-")]
    geod = Geodesic(a, f)
    print("# rankwise geodesic reference, WGS84 (a = 6378137, f = 1/298.257223563), mpmath dps %d" % mp.mp.dps)
    print("# generated by tests/support/geodesic_reference.py")
    print("# 'class NAME COUNT' then COUNT lines: lat1 lon1 lat2 lon2 (deg) s12 (m) S12 (m^2)")
    for seed, (name, count, make) in enumerate(CLASSES, start=20260101):
        if only and name not in only:
            continue
        r = random.Random(seed)
        print("class %s %d" % (name, count))
        worst_s = worst_S = 0.0
        for _ in range(count):
            lat1, lon1, lat2, lon2 = make(r)
            s12, S12, g = inverse(E, geod, lat1, lon1, lat2, lon2)
            g = geod.Inverse(lat1, lon1, lat2, lon2, geod.DISTANCE | geod.AREA)
            worst_s = max(worst_s, abs(float(s12) - g["s12"]))
            worst_S = max(worst_S, abs(float(S12) - g["S12"]))
            print("%r %r %r %r %s %s" % (lat1, lon1, lat2, lon2, mp.nstr(s12, 22, strip_zeros=False),
                                         mp.nstr(S12, 22, strip_zeros=False)))
        sys.stdout.flush()
        print("%-17s %5d edges: |reference - geographiclib(python, canonical)| <= %.3g m, %.3g m^2"
              % (name, count, worst_s, worst_S), file=sys.stderr)


if __name__ == "__main__":
    main()
