import os


class Config:
    CORS_ORIGINS = os.getenv("CORS_ORIGINS", "*").split(",")


class DevelopmentConfig(Config):
    DEBUG = False


class ProductionConfig(Config):
    DEBUG = False


config_dict = {"development": DevelopmentConfig, "production": ProductionConfig}


def get_config(env=None):
    if env is None:
        env = os.getenv("FLASK_ENV", "development")
    return config_dict.get(env, DevelopmentConfig)
