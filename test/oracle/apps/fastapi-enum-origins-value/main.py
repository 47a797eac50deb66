from enum import Enum

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


class AllowedOrigins(Enum):
    LOCAL = ["https://app.example.com"]
    PRODUCTION = ["https://prod.example.com"]


class Environment(str, Enum):
    LOCAL = "local"
    PRODUCTION = "production"


environment = Environment.LOCAL

app = FastAPI()
# `.value` of the member picked by name: the list of its value.
app.add_middleware(
    CORSMiddleware,
    allow_origins=AllowedOrigins[environment.value.upper()].value,
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


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
