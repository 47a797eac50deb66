from fastapi import FastAPI, Request, Response
from starlette.middleware.base import BaseHTTPMiddleware

ALLOWED_ORIGINS = ["https://partner.example.org"]


# Two branches echo the Origin, each under its own test (audit 53 pymanual c08, coordino): the substring test of
# the first accepts https://app.example.com.attacker.net, whatever the list of the second holds.
class Cors(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        origin = request.headers.get("origin", "")
        if request.method == "OPTIONS":
            response = Response(content="", status_code=200)
        else:
            response = await call_next(request)
        if "app.example.com" in origin:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
        elif origin in ALLOWED_ORIGINS:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
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
