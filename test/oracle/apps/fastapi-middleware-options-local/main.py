from fastapi import FastAPI, Request, Response
from starlette.middleware.base import BaseHTTPMiddleware

ALLOWED_ORIGINS = ["https://app.example.com"]


# The preflight is answered before call_next, the method tested through a local (audit 53 pymanual c08, coordino:
# `request_method = request.method`): Starlette answers it with the branch's 200, not the router's 405.
class Cors(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        origin = request.headers.get("origin", "")
        request_method = request.method
        if request_method == "OPTIONS":
            response = Response(content="", status_code=200)
        else:
            response = await call_next(request)
        if origin in ALLOWED_ORIGINS:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            if request_method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, PUT"
                response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
        response.headers["Vary"] = "Origin"
        return response


app = FastAPI()
app.add_middleware(Cors)


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
