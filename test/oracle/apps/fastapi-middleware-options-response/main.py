from fastapi import FastAPI
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response


# The middleware answers OPTIONS with a Response built with its headers, and puts the origin on the rest
# (audit 29 case 26).
class Cors(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        if request.method == "OPTIONS":
            return Response(status_code=200, headers={
                "Access-Control-Allow-Origin": "https://app.example.com",
                "Access-Control-Allow-Methods": "GET, PUT",
                "Access-Control-Allow-Headers": "Authorization, Content-Type",
            })
        response = await call_next(request)
        response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
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
