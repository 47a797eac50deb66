from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from config import settings
from settings import Settings

router = APIRouter()


@router.get("/items")
def list_items():
    return [{"id": 1}]


@router.put("/items")
def put_items():
    return {"ok": True}


@router.get("/error")
def error():
    raise RuntimeError("boom")


# The app factory receives the settings instance.
def register_app(settings: Settings) -> FastAPI:
    app = FastAPI()
    app.include_router(router, prefix="/api")
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_allowed_origins,
        allow_credentials=True,
        allow_methods=settings.cors_allowed_methods,
        allow_headers=settings.cors_allowed_headers,
    )
    return app


app = register_app(settings=settings)
