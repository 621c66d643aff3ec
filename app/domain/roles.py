"""The roles a user can hold, and what each may do in plain terms."""

from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    DIRECTOR = "director"
    DELIVERY_LEAD = "delivery_lead"
    BOARD_SECRETARY = "board_secretary"
    PERFORMANCE_OFFICER = "performance_officer"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, text: str) -> "Role":
        cleaned = text.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(cleaned)
        except ValueError:
            choices = ", ".join(role.value for role in cls)
            raise ValueError(f"'{text}' is not a role: choose one of {choices}") from None


_LABELS = {
    Role.ADMINISTRATOR: "Administrator",
    Role.DIRECTOR: "Director",
    Role.DELIVERY_LEAD: "Delivery lead",
    Role.BOARD_SECRETARY: "Board secretary",
    Role.PERFORMANCE_OFFICER: "Performance officer",
    Role.VIEWER: "Viewer",
}
