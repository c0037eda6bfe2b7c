"""Text utilities shared by every detector: normalisation with offset maps, language id."""
