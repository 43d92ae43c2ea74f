"""rankwise.pi against `rankwise pi`: the same float (series), the same hits (Monte Carlo)."""
import pytest

import rankwise


@pytest.mark.parametrize("n", [1, 7, 16384, 16385, 1_000_003, 3 << 20])
def test_series_is_the_cli_result(run_cli, n):
    cli = run_cli("pi", "--terms", str(n))["pi"].attrs["estimate"]
    for threads in (1, 2):
        assert rankwise.pi.series(n, threads=threads).hex() == float(cli).hex()


def test_montecarlo_hits_are_the_cli_hits(run_cli):
    for samples, seed in ((1, 42), (999_999, 7), (2_000_001, 2**64 - 1)):
        attrs = run_cli("pi", "--method", "montecarlo", "--samples", str(samples),
                        "--seed", str(seed))["pi"].attrs
        mc = rankwise.pi.montecarlo(samples, seed, threads=2)
        assert mc.hits == attrs["hits"]
        assert mc.estimate == attrs["estimate"] and mc.std_error == attrs["std_error"]
        assert mc.samples == samples


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        rankwise.pi.series(0)
    with pytest.raises(ValueError):
        rankwise.pi.series(10, threads=0)
    with pytest.raises(TypeError):
        rankwise.pi.series(10, comm=object())
