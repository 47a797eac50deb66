from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware


class CustomCORSMiddleware(BaseHTTPMiddleware):
    """A hand-written CORS middleware class: reflects any Origin, with credentials."""

    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        origin = request.headers.get("origin")
        if origin:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
        return response


app = FastAPI()
app.add_middleware(CustomCORSMiddleware)


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
