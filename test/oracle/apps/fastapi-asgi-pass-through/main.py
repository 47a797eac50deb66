from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware


# A pure ASGI middleware added after CORSMiddleware (so outer) that only passes the request on
# (`return await self.app(...)`): it never answers, so every response, the preflight's too, carries the CORS
# headers (audit 36 py D3).
class TenantMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        scope.setdefault("state", {})["tenant"] = "default"
        return await self.app(scope, receive, send)


app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["*"], allow_headers=["*"])
app.add_middleware(TenantMiddleware)


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
