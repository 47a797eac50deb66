from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

# The sub-application mounted under /api gets its routers in a loop, so its routes cannot be listed (audit 36 py D1,
# Prefect's create_api_app). It still has its own ServerErrorMiddleware: an unhandled exception becomes a 500 inside
# the outer CORSMiddleware, which adds its headers.
items = APIRouter(prefix="/items")
errors = APIRouter()


@items.get("")
def list_items():
    return [{"id": 1}]


@items.put("")
def put_items():
    return {"ok": True}


@errors.get("/error")
def error():
    raise RuntimeError("boom")


API_ROUTERS = (items, errors)


def create_api_app() -> FastAPI:
    api_app = FastAPI()
    for router in API_ROUTERS:
        api_app.include_router(router)
    return api_app


def create_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["GET", "PUT"], allow_credentials=True)
    app.mount("/api", create_api_app())
    return app


app = create_app()
