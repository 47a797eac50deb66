from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
# fullmatch, but the unescaped dots accept more than intended.
app.add_middleware(
    CORSMiddleware,
    allow_origin_regex=r"https://.*.example.com",
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
