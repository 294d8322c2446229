"""Documents rendered as a given reader may see them: plain text and standalone HTML."""
