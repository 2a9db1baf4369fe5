"""An ordinary FastAPI server: nothing in it knows about fal or openapi-meta."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel, Field

app = FastAPI(title="Caption API", version="1.0.0")


class CaptionRequest(BaseModel):
    image_url: str = Field(description="A public URL of the image to describe.")
    max_words: int = Field(default=20, ge=1, le=100)
    language: str | None = Field(default=None, description="ISO 639-1 code; None: English.")


class Caption(BaseModel):
    text: str
    words: int


@app.post("/caption", operation_id="caption")
def caption(request: CaptionRequest) -> Caption:
    """Describe an image in a few words."""
    text = f"an image at {request.image_url}"
    return Caption(text=text, words=len(text.split()))


@app.get("/health", operation_id="health")
def health() -> dict[str, str]:
    """For the load balancer; hidden from the fal Playground by [tool.openapi-meta]."""
    return {"status": "ok"}
