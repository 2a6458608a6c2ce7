"""What this container knows of the endpoint's vocabulary, so it sends a request the endpoint can read right.

An index means a word only under one vocabulary. While the Lambda and the endpoint carry different ones
(a rollout in flight, in whichever order AWS applies its parts, for however long the endpoint update takes),
a vector from the Lambda would mean other words to the endpoint, which refuses it (``vocabulary_mismatch``).
The Lambda then sends the raw reviews and the endpoint tokenises them with its own vocabulary: the answer is
the serving model's own, whatever vocabulary the Lambda shipped. Once the endpoint answers with the Lambda's
vocabulary again, vectors (smaller, and tokenised in the Lambda) resume.

The state is per container (Lambda runs one request at a time in it) and costs nothing in steady state;
during a rollout each container pays one refused call before it switches to text.
"""

from __future__ import annotations


class VocabularyRoute:
    """Whether to send vectors (the endpoint serves our vocabulary, as far as we know) or raw text."""

    def __init__(self, own_version: str) -> None:
        self.own_version = own_version
        self.endpoint_differs = False  # until an answer or a refusal says otherwise

    @property
    def sends_vectors(self) -> bool:
        return not self.endpoint_differs

    def refused(self) -> None:
        """The endpoint refused our vector: it serves another vocabulary."""
        self.endpoint_differs = True

    def answered_with(self, vocabulary_version: str | None) -> None:
        """An answer names the vocabulary the endpoint served it with (None: it did not say)."""
        if vocabulary_version is not None:
            self.endpoint_differs = vocabulary_version != self.own_version
