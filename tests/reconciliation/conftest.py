import pytest


@pytest.fixture
def platform_handed(monkeypatch):
    """The ``platform`` handle each province's points at stake receive (``indicators.signals``)."""
    from indicators import signals

    handed: list = []
    original = signals.set_points_at_stake

    def spy(runs, counts, period=None, platform=None):
        handed.append(platform)
        return original(runs, counts, period, platform=platform)

    monkeypatch.setattr(signals, "set_points_at_stake", spy)
    return handed
