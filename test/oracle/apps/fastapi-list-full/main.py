from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

ORIGINS = ["https://app.example.com"]

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=ORIGINS,
    allow_credentials=True,
    allow_methods=["GET", "POST", "PUT"],
    allow_headers=["Authorization"],
    expose_headers=["X-Total-Count"],
    max_age=3600,
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
