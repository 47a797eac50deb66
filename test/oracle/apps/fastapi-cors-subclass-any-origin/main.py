from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp


# is_allowed_origin overridden to accept everything (audit 51 D1): allow_origins is not "*", so CORSMiddleware asks
# the method for every origin and echoes it, on simple requests too (no `*`); the rest is CORSMiddleware's.
class AnyOriginCORSMiddleware(CORSMiddleware):
    def __init__(self, app: ASGIApp, **kwargs) -> None:
        super().__init__(app, **kwargs)

    def is_allowed_origin(self, origin: str) -> bool:
        return True


app = FastAPI()
app.add_middleware(AnyOriginCORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["GET"])


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
