"""What the access oracles share: restrict() against the oracle's rows, for one principal."""

from secretariat.access import restrict
from secretariat.kernel.restriction import Action


def agrees(models, expected, world, p, principal, who: str) -> None:
    """For every model and both actions: the rows restrict() lists are the oracle's, none twice,
    and the count says as much. `expected(world, p, model, action)` is the oracle."""
    for model in models:
        for action in Action:
            queryset = restrict(model.objects.all(), principal, action)
            got = list(queryset.values_list("pk", flat=True))
            want = expected(world, p, model, action)
            label = f"{who}, {model.__name__} {action.value}"
            assert len(got) == len(set(got)), f"{label}: rows listed twice: {sorted(got)}"
            assert set(got) == want, f"{label}: restrict gives {sorted(got)}, the oracle {sorted(want)}"
            assert queryset.count() == len(want), f"{label}: count"
