"""One module per file format; each defines a :class:`FormatHandler` subclass registered by name."""
