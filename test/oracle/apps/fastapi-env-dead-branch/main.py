import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
# FRONTEND_URL is unset where the oracle runs the app: the `if` branch runs (any origin, no credentials) and the
# `else` branch, which would allow credentials, does not.
frontend = os.getenv("FRONTEND_URL", "*")
if frontend == "*":
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])
else:
    app.add_middleware(CORSMiddleware, allow_origins=frontend.split(","), allow_credentials=True, allow_methods=["*"])

# Never added: ENABLE_DEBUG_CORS defaults to "".
if os.getenv("ENABLE_DEBUG_CORS", "") == "1":
    app.add_middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True)


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
