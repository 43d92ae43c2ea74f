"""A new user's first mistakes (issue #14): each gets one line that says what to do instead."""
import pytest

from rwtest import assert_clean_failure, run

CASES = [
    (["pi", "--term", "1e9"], "did you mean --terms?"),
    (["polygons", "--generat", "5"], "did you mean --generate?"),
    (["nbody", "--particle", "5"], "did you mean --particles?"),
    (["pi", "-n", "4"], "belongs to mpiexec"),
    (["-n", "4", "pi"], "belongs to mpiexec"),
    (["--overwrit", "pi"], "before the subcommand"),
    (["nbody", "--ic", "plumer"], "did you mean plummer?"),
    (["nbody", "--ic", "unifrm"], "did you mean uniform?"),
    (["pi", "--tolerance", "1e-20"], "spacing of doubles near pi"),
]


@pytest.mark.parametrize("ranks", [1, 2])
@pytest.mark.parametrize("args,hint", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_mistake_gets_one_line_with_the_fix(tmp_path, args, hint, ranks):
    r = run(args + (["-o", tmp_path / "x.h5"] if args[0] != "-n" and args[0][:2] != "--" else []),
            ranks=ranks, timeout=60, cwd=tmp_path)
    line = assert_clean_failure(r, tmp_path, expect_code=2)
    assert hint in line, line


@pytest.mark.parametrize("kind", ["Plummer", "UNIFORM"])
def test_ic_kinds_in_any_case(tmp_path, kind):
    r = run(["nbody", "--ic", kind, "--particles", 32, "--steps", 2, "-q", "-o", tmp_path / "a.h5"],
            timeout=60)
    assert r.returncode == 0, r.stderr


def test_short_count_option_is_N(tmp_path):
    r = run(["pi", "-N", "1000", "-q", "-o", tmp_path / "a.h5"], timeout=60)
    assert r.returncode == 0, r.stderr
