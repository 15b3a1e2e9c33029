"""The `generate_quiz` tool contract, as pydantic models.

The names here are a contract with the model and with earlier notebooks: keep them.
"""

from __future__ import annotations

from openai import pydantic_responses_function_tool
from openai.types.responses import FunctionToolParam
from pydantic import BaseModel, ConfigDict, Field

TOOL_NAME = "generate_quiz"


class QuestionArgs(BaseModel):
    """One multiple-choice question."""

    model_config = ConfigDict(extra="forbid")

    question_text: str = Field(description="The question, without numbering.")
    choices: list[str] = Field(
        description="2 to 12 answer choices, plain text, without numbering or letters."
    )
    # Strict: "2" in a string may count from 0 or from 1; which choice is right is not guessed.
    answer_index: int = Field(
        strict=True, description="0-based index of the correct choice in `choices`."
    )
    explanation: str = Field(
        description="One or two sentences on why the answer is right, shown after answering."
    )
    source_file: str | None = Field(
        description="File name of the document that supports the answer, or null."
    )
    source_quote: str | None = Field(
        description="A short verbatim quote from that document supporting the answer, or null."
    )


class QuizArgs(BaseModel):
    """Create a multiple-choice quiz for the user. Call this exactly once with the whole quiz."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(description="A short title for the quiz.")
    questions: list[QuestionArgs]


def generate_quiz_tool() -> FunctionToolParam:
    """The strict Responses-API function tool built from the models above."""
    return pydantic_responses_function_tool(QuizArgs, name=TOOL_NAME)
