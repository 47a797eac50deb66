import os
from enum import Enum

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseSettings

# jujugigi-api's shape (audit 38 py D4): get_settings() picks a settings class by API_ENV, compared with the members
# of a str Enum. API_ENV is unset where the oracle runs the app: the default "local" picks LocalSettings, whose ".*"
# regex reflects every origin with credentials.


class Environment(str, Enum):
    PRODUCTION = "prod"
    LOCAL = "local"


class Settings(BaseSettings):
    ALLOW_ORIGIN_REGEX: str = r".*"


class LocalSettings(Settings):
    DEBUG: bool = True


class ProductionSettings(Settings):
    ALLOW_ORIGIN_REGEX: str = r"https://app\.example\.com"


env = (os.environ.get("API_ENV") or "local").lower()


def get_settings():
    if env == Environment.PRODUCTION:
        return ProductionSettings()
    elif env == Environment.LOCAL:
        return LocalSettings()
    else:
        return Settings(ALLOW_ORIGIN_REGEX=r"https://staging\.example\.com")


settings = get_settings()
app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origin_regex=settings.ALLOW_ORIGIN_REGEX, allow_credentials=True, allow_methods=["*"])


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.post("/api/items")
def post_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
