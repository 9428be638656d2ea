"""Ethics Consult: an advice-column publishing site."""

__version__ = "0.1.0"
