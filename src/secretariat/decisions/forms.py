"""Fields other desks share to name what a body decided."""

from secretariat.kernel.widgets import SuggestInput


def point_picker(**attrs) -> SuggestInput:
    """A text input suggesting, as the person types, the points of signed protocols whose decision they know
    ('P/46/X'); a reference typed in full is taken as it is."""
    return SuggestInput("/secretary/points/suggest/", attrs=attrs)
