from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response


# Added first, so it runs inside the CORS middleware: the 500 it builds from any exception comes back from that
# middleware's call_next and gets the headers (audit 53 pymanual c02, wpp).
class ErrorHandling(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        try:
            return await call_next(request)
        except Exception:
            return JSONResponse({"msg": "internal error"}, status_code=500)


# `request.method.lower() == "options"`: the middleware answers the preflight itself.
class CrossOrigin(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        if request.method.lower() == "options":
            response = Response()
        else:
            response = await call_next(request)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "*"
        response.headers["Access-Control-Allow-Headers"] = "*"
        return response


app = FastAPI()
app.add_middleware(ErrorHandling)
app.add_middleware(CrossOrigin)


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
