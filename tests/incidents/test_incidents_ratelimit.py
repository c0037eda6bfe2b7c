from genguard.incidents.ratelimit import RateLimiter


class Tick:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_sliding_window_blocks_then_recovers() -> None:
    tick = Tick()
    rl = RateLimiter(3, 60, clock=tick)
    assert [rl.hit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert rl.hit("a") == 60.0 and rl.hit("b") == 0.0
    tick.t += 30
    assert rl.hit("a") == 30.0  # still blocked, oldest hit frees in 30 s
    tick.t += 30.5
    assert rl.hit("a") == 0.0  # window slid past the first three hits


def test_memory_is_bounded_under_address_spray() -> None:
    tick = Tick()
    rl = RateLimiter(1, 10, clock=tick, max_keys=100)
    for i in range(1000):
        tick.t += 0.001
        rl.hit(f"10.0.{i // 256}.{i % 256}")
    assert len(rl._hits) <= 100
    # idle keys are evicted first: after a quiet window a new client starts clean
    tick.t += 20
    assert rl.hit("newcomer") == 0.0 and len(rl._hits) == 1
