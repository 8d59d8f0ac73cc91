"""What a refusal by the store's proxy becomes: one line naming the store and the fix, for a
missing token, a refused one and a forbidden request; other failures are left alone. The
token never appears in the message."""

from __future__ import annotations

import pytest
from chromadb.errors import AuthorizationError, ChromaAuthError

from assistant.config import Settings
from assistant.errors import StoreError
from assistant.index.store import _refusal

URL = "http://store.example:8800"


def test_a_401_without_a_token_says_to_set_one() -> None:
    error = _refusal(URL, AuthorizationError("a valid bearer token is required"), None)
    assert isinstance(error, StoreError)
    assert error.message == f"the store at {URL} needs a token (401)"
    assert "LIAISON_STORE_TOKEN" in str(error.hint)


def test_a_401_with_a_token_says_it_was_refused_without_showing_it() -> None:
    error = _refusal(URL, Exception("<html><title>401 Authorization Required</title>"), "s3cr3t")
    assert error is not None and "refused the token (401)" in error.message
    assert (
        error.hint is not None
        and "s3cr3t" not in error.message + error.hint
        and "revoked" in error.hint
    )


def test_a_403_asks_for_access() -> None:
    for exc in (ChromaAuthError("no"), Exception("403 Forbidden")):
        error = _refusal(URL, exc, "t")
        assert error is not None and "(403)" in error.message
        assert "administrator" in str(error.hint)


@pytest.mark.parametrize("text", ["Connection refused", "Collection [x] does not exist", "500"])
def test_other_failures_are_not_refusals(text: str) -> None:
    assert _refusal(URL, Exception(text), "t") is None


def test_the_token_is_a_secret_in_the_settings() -> None:
    settings = Settings(store=URL, store_token="s3cr3t", store_ca="/etc/ssl/office-ca.pem")
    assert "s3cr3t" not in repr(settings) and "s3cr3t" not in settings.model_dump_json()
    assert settings.store_access() == ("s3cr3t", "/etc/ssl/office-ca.pem")
    assert Settings(store=URL).store_access() == (None, None)
