from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


async def load_origins() -> set[str]:
    return {"https://app.example.com"}


# An async is_allowed_origin: CORSMiddleware calls it without await, so the coroutine it gets back is always true
# and every origin is echoed, with credentials, on preflights and on other requests.
class DbOriginsCORSMiddleware(CORSMiddleware):
    async def is_allowed_origin(self, origin: str) -> bool:
        return origin in await load_origins()


app = FastAPI()
app.add_middleware(DbOriginsCORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True, allow_methods=["GET", "PUT"], allow_headers=["Content-Type"])


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
