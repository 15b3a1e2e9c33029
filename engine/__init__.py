"""The model behind a small interface, so handlers never build raw API requests."""

from engine.base import (
    EngineError,
    EngineRejectedError,
    EngineUnavailableError,
    Feedback,
    NoToolCallError,
    QuizEngine,
    QuizRequest,
    ToolCall,
)
from engine.openai_engine import OpenAIEngine

__all__ = [
    "EngineError",
    "EngineRejectedError",
    "EngineUnavailableError",
    "Feedback",
    "NoToolCallError",
    "OpenAIEngine",
    "QuizEngine",
    "QuizRequest",
    "ToolCall",
]
