from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware as Base


# A subclass that only renames CORSMiddleware behaves exactly like it (audit 29 case 16).
class CORSMiddleware(Base):
    """Project-local name for Starlette's CORS middleware."""


app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True, allow_methods=["GET", "PUT"], allow_headers=["Authorization", "Content-Type"])


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
