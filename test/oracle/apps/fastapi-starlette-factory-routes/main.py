# A Starlette app built in a factory, its routes kept in a local list: PUT is served but not allowed, so its
# preflight is refused (400 "Disallowed CORS method").
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.routing import Route


async def items(request):
    return JSONResponse([{"id": 1}])


async def error(request):
    raise RuntimeError("boom")


def create_app():
    routes = [
        Route("/api/items", items, methods=["GET", "PUT", "POST"]),
        Route("/api/error", error),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["https://app.example.com"],
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
            allow_credentials=True,
        )
    ]
    return Starlette(routes=routes, middleware=middleware)


app = create_app()
