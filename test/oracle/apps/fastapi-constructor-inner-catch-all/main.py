from fastapi import FastAPI, Request
from fastapi.middleware import Middleware
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware


# Listed after CORSMiddleware in the constructor, so it runs inside it (audit 53 pymw c02): its bare `except:` turns
# every exception into a response of its own (a 401 there; a 500 here, the status simulate predicts for an error),
# which passes out through CORSMiddleware and gets the CORS headers.
class TokenMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        try:
            return await call_next(request)
        except:  # noqa: E722
            return JSONResponse(status_code=500, content={"detail": "Unauthorized"})


app = FastAPI(
    middleware=[
        Middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["*"], allow_credentials=True),
        Middleware(TokenMiddleware),
    ]
)


# Registered afterwards, so outside the whole list: the catch-all is inside it too, and its 500 gets this header.
@app.middleware("http")
async def expose_request_id(request: Request, call_next):
    response = await call_next(request)
    response.headers["Access-Control-Expose-Headers"] = "X-Request-Id"
    return response


@app.get("/api/items")
def list_items():
    return [{"id": 1}]


@app.put("/api/items")
def put_items():
    return {"ok": True}


@app.get("/api/error")
def error():
    raise RuntimeError("boom")
