"""The answerability gate: between retrieval and generation, decides answer / caveat / refuse."""

from rag.gate.gate import AnswerabilityGate, GateThresholds

__all__ = ["AnswerabilityGate", "GateThresholds"]
