from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

api = FastAPI()


@api.get("/api/items")
def list_items():
    return [{"id": 1}]


@api.put("/api/items")
def put_items():
    return {"ok": True}


@api.post("/api/items")
def post_items():
    return {"ok": True}


@api.get("/api/error")
def error():
    raise RuntimeError("boom")

# Wrapping the whole app puts CORS outside ServerErrorMiddleware: 500s carry the headers too.
app = CORSMiddleware(
    app=api,
    allow_origins=["https://app.example.com"],
    allow_methods=["GET", "PUT", "POST"],
    allow_headers=["Authorization", "Content-Type"],
)
