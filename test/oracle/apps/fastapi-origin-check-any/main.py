import re

from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response

PATTERNS = [r"https://.*\.example\.com"]
SUFFIXES = (".partner.org",)


# The origin check is written as any(...) over known lists (audit 52 py D7): each item is tested as the single test
# would be. "in origin" accepts https://x.ngrok-free.app.evil.com, endswith accepts http:// origins, and re.match is
# anchored at the start only.
def is_allowed_origin(origin: str) -> bool:
    tunnels = [".ngrok-free.app"]
    return (
        any(t in origin for t in tunnels)
        or any(origin.endswith(s) for s in SUFFIXES)
        or any([re.match(p, origin) for p in PATTERNS])
    )


class DynamicCORSMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        origin = request.headers.get("origin")
        if request.method == "OPTIONS":
            response = Response(status_code=200)
        else:
            response = await call_next(request)
        if origin and is_allowed_origin(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT"
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Vary"] = "Origin"
        return response


app = FastAPI()
app.add_middleware(DynamicCORSMiddleware)


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
