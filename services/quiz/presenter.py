"""The lifecycle's Presenter, defined in services/presenter.py (below both the stages and the
features such as quotas that show things in a chat); imported from here by the stages."""

from services.presenter import Posted, Presenter

__all__ = ["Posted", "Presenter"]
