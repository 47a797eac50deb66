from fastapi import FastAPI
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response


# The middleware answers OPTIONS in its own branch and writes the headers again on every other response
# (audit 34 FastAPI case 10): the preflight gets the OPTIONS branch's Allow-Headers / Allow-Methods, never the
# later ones.
class Cors(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        if request.method == "OPTIONS":
            response = Response(status_code=200)
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Allow-Methods"] = "GET, PUT"
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
            return response
        response = await call_next(request)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET"
        response.headers["Access-Control-Allow-Headers"] = "*"
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
