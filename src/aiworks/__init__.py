"""aiworks: an ML engine and a span-citing legal document assistant that runs on it."""

__version__ = "0.1.0"
