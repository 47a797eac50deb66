from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
# Neither allow_origins nor allow_origin_regex: the default allow_origins=() allows no origin.
app.add_middleware(CORSMiddleware, allow_methods=["*"], allow_headers=["*"])


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
