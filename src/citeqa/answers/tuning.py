"""The settings of the answer path in one place: how passages are ranked (``Weights``), when they
answer (``Policy``), how the answer is put together (``Composition``) and its quotes chosen
(``Quoting``).

The defaults are what citeqa uses; ``Tuning.with_settings`` changes any of them by name, so that
``citeqa eval --set policy.coverage=0.4`` and the tests can vary them, and ``eval/tune.py`` can search
them on the evaluation sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from citeqa.answers.compose import Composition
from citeqa.answers.judge import Policy
from citeqa.answers.quotes import Quoting
from citeqa.answers.search import Weights
from citeqa.errors import CiteqaError


@dataclass(frozen=True)
class Tuning:
    weights: Weights = Weights()
    policy: Policy = Policy()
    composition: Composition = Composition()
    quoting: Quoting = Quoting()

    def with_settings(self, settings: Mapping[str, object]) -> Tuning:
        """A copy with ``{"weights.passage": 0.4, "policy.coverage": "0.5", ...}`` applied.

        Raises:
            CiteqaError: an unknown name, or a value that is not a number of the setting's type.
        """
        parts = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in settings.items():
            group, _, field = name.partition(".")
            current = parts.get(group)
            known = {f.name: f for f in fields(current)} if current is not None else {}
            if field not in known:
                names = ", ".join(f"{g}.{f.name}" for g, part in parts.items() for f in fields(part))
                raise CiteqaError(f"unknown setting {name!r}; the settings are {names}")
            kind = type(getattr(current, field))
            try:
                converted = kind(value)
            except (TypeError, ValueError):
                raise CiteqaError(f"setting {name}={value!r} is not a {kind.__name__}") from None
            parts[group] = replace(current, **{field: converted})
        return Tuning(**parts)

    def as_dict(self) -> dict[str, object]:
        return {
            f"{g.name}.{f.name}": getattr(getattr(self, g.name), f.name)
            for g in fields(self)
            for f in fields(getattr(self, g.name))
        }
