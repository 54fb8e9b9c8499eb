from tests.clamd import clamd  # noqa: F401  (fixture : faux démon clamd sur une vraie socket)
