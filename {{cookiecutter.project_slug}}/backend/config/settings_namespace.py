"""A settings dict with documented defaults, read by attribute: ``AUTH``, ``ACCOUNTS``.

In the style of simplejwt's ``api_settings``: each app lists every name it reads, with its
default and purpose, and a settings module sets only what differs. Unknown names are refused,
so a typo never silently keeps a default; values are reloaded when tests change the setting.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed


class SettingsNamespace:
    def __init__(self, name: str, defaults: dict, resolve=None) -> None:
        """``resolve(values)`` may derive values (None defaults) once the dict is merged."""
        self._name, self._defaults, self._resolve, self._values = name, defaults, resolve, None
        setting_changed.connect(self._on_setting_changed, weak=False)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        values = self._values if self._values is not None else self._load()
        try:
            return values[name]
        except KeyError:
            raise AttributeError(f"{self._name} has no setting {name!r}") from None

    def _load(self) -> dict:
        configured = getattr(settings, self._name, {})
        unknown = sorted(set(configured) - set(self._defaults))
        if unknown:
            raise ImproperlyConfigured(f"{self._name} has unknown settings: {', '.join(unknown)}.")
        values = {**self._defaults, **configured}
        if self._resolve is not None:
            self._resolve(values)
        self._values = values
        return values

    def reload(self) -> None:
        self._values = None

    def _on_setting_changed(self, setting: str, **kwargs) -> None:
        if setting == self._name:
            self.reload()
