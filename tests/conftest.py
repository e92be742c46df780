import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def seminar():
    from cntf_workbench.datasets import load_seminar

    return load_seminar()


@pytest.fixture(scope="session")
def factors():
    from cntf_workbench.factors import load_factors

    return load_factors()
