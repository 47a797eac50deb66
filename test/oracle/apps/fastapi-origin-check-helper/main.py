import re

from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response

STATIC_ORIGINS = {"https://app.example.com"}
PATTERNS = [r"https://.*\.vercel\.app$", r"http://localhost:\d+$"]


# The origin check is delegated to a helper (audit 50 py D1): an exact set, then a loop over regexes. Anything
# under vercel.app passes with credentials, no Vary: Origin is sent, and unhandled exceptions become 500s without
# these headers (BaseHTTPMiddleware runs inside ServerErrorMiddleware, §2.3).
def is_allowed_origin(origin: str) -> bool:
    if not origin:
        return False
    if origin in STATIC_ORIGINS:
        return True
    for pattern in PATTERNS:
        if re.match(pattern, origin):
            return True
    return False


class DynamicCORSMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        origin = request.headers.get("origin", "")
        allowed = is_allowed_origin(origin)
        if request.method == "OPTIONS":
            response = Response(status_code=200)
        else:
            response = await call_next(request)
        if allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
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
