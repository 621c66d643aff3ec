"""Kinds of requirement an improvement plan must answer."""

from enum import StrEnum


class RequirementKind(StrEnum):
    IMPROVEMENT_NOTICE = "improvement_notice"
    OFSTED_RECOMMENDATION = "ofsted_recommendation"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            RequirementKind.IMPROVEMENT_NOTICE: "Improvement Notice",
            RequirementKind.OFSTED_RECOMMENDATION: "Ofsted recommendation",
            RequirementKind.OTHER: "Other requirement",
        }[self]
