import os


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Inherited by every class below: the candidates agree on it.
    CORS_SUPPORTS_CREDENTIALS = True
    DEBUG = False


class DevConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True


class ProdConfig(Config):
    DEBUG = False


config_by_name = dict(dev=DevConfig, test=TestConfig, prod=ProdConfig)
