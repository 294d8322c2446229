from django.apps import AppConfig


class SecretariatConfig(AppConfig):
    """The project itself: installs the access rule once every app's models are loaded.

    `secretariat.access` sits above every model it rules; the kernel's RestrictedQuerySet, which
    every ruled model's manager is made of, asks it through `kernel.restriction.install`.
    """

    name = "secretariat"
    label = "secretariat"

    def ready(self) -> None:
        from secretariat import access
        from secretariat.kernel import restriction

        restriction.install(access.allowed_q)
