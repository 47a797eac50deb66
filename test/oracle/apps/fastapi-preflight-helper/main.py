from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response

ALLOWED = ["https://app.example.com"]


# The preflight is answered by a method that builds the Response with its headers (audit 52 py D5): its
# Allow-Methods reach the browser, and its Allow-Headers "*" with credentials is taken literally (§5.2), so a
# JSON request with Authorization fails the preflight. Access-Control-Allow-Origin and -Credentials come from a
# method that writes on the response it is handed (audit 52 py D4), called with the request Origin.
class CorsMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        origin = request.headers.get("origin")
        if request.method == "OPTIONS":
            return self._preflight(origin)
        response = await call_next(request)
        self._add_cors_headers(response, origin)
        return response

    def _preflight(self, origin):
        headers = {
            "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE",
            "Access-Control-Allow-Headers": "*",
            "Access-Control-Max-Age": "600",
        }
        response = Response(status_code=200, headers=headers)
        self._add_cors_headers(response, origin)
        return response

    def _add_cors_headers(self, response, origin):
        if origin in ALLOWED:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"


app = FastAPI()
app.add_middleware(CorsMiddleware)


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.delete("/api/items")
def delete_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
