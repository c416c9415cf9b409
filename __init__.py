"""upr-elect: find UN Universal Periodic Review recommendations that affect elections.

Installed, the repository's top-level folders are the subpackages of this namespace:
``upr_elect.data`` (loaders), ``upr_elect.training`` (weak labels, training, evaluation),
``upr_elect.classifier`` (label schema, models, inference), ``upr_elect.models`` (shipped
models) and ``upr_elect.cli`` (the ``upr-elect`` command).
"""

__version__ = "0.1.0"
